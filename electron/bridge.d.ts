// The desktop bridge is optional: the renderer also runs in a plain browser.
import type { CohortBridge } from './ipc-contract';

declare global {
  interface Window {
    cohort?: CohortBridge;
  }
}

export {};
