/** The app's storage: Dexie over the browser's (or Electron renderer's) IndexedDB. */
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';

export const browserStorage = () => getRxStorageDexie();
