// In-process pub/sub of resource and status changes, published after commit.
export interface ChangeEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'STATUS' | 'EVENT';
  org: string;
  kind: string;
  name: string;
  resourceVersion?: number;
  /** For type EVENT: what happened (e.g. gateway.crashed) and a message. */
  reason?: string;
  message?: string;
  time: string;
}

export type Listener = (e: ChangeEvent) => void;

export class EventBus {
  #listeners = new Set<Listener>();
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  publish(e: ChangeEvent): void {
    for (const l of this.#listeners) {
      try {
        l(e);
      } catch {
        // a broken subscriber must not break the publisher
      }
    }
  }
}
