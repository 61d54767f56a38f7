// `npm run bench`: every benchmark of the repo, one after the other.
import { benchRender } from './render.ts';

benchRender();
