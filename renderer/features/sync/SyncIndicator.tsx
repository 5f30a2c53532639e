import { useSyncActions } from '../../data/groups';
import { useSyncStore } from '../../stores';
import { SyncIndicatorView } from './SyncIndicatorView';

export function SyncIndicator() {
  const status = useSyncStore((s) => s.status);
  const { syncNow } = useSyncActions();
  if (!status) return null;
  return <SyncIndicatorView status={status} onSyncNow={syncNow} />;
}
