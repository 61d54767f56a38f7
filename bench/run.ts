// `npm run bench`: every benchmark of the repo, one after the other.
// Options: --rounds N (gateway-ready rounds, default 2), --no-warm, --no-docker, --keep-logs DIR. The gateway-ready bench starts real gateways:
// run it under the shared lock (`flock /tmp/clawplane-heavy.lock npm run bench`).
import { benchGatewayReady, parseFleet, parseKeepLogs, parseNoDocker, parseNoWarm, parseRounds } from './gateway-ready.ts';
import { benchRender } from './render.ts';

benchRender();
const argv = process.argv.slice(2);
const keep = parseKeepLogs(argv);
await benchGatewayReady({ rounds: parseRounds(argv), warm: !parseNoWarm(argv), docker: !parseNoDocker(argv), fleet: parseFleet(argv), ...(keep ? { keepLogsDir: keep } : {}) });
