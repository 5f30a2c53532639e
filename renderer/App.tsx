import { Center, Loader } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { AppLayout } from './components/AppLayout';
import { UnlockScreen } from './components/UnlockScreen';
import { narrowConnectionsTo } from './data/connectPolicy';
import { DataProvider } from './data/DataProvider';
import { revocationStore, revokePending } from './data/revocations';
import { loadSession } from './data/sessionPersistence';
import { choosePassphrase, protection, unlock } from './data/vault';
import { ClientDetailScreen } from './features/clients/ClientDetailScreen';
import { ConflictsScreen } from './features/sync/ConflictsScreen';
import { ClientsScreen } from './features/clients/ClientsScreen';
import { GroupDetailScreen } from './features/groups/GroupDetailScreen';
import { GroupsScreen } from './features/groups/GroupsScreen';
import { ProtectLaptopScreen } from './features/session/ProtectLaptopScreen';
import { SignInScreen } from './features/session/SignInScreen';
import { useSessionStore } from './stores';

export function App() {
  const session = useSessionStore((s) => s.session);
  const expired = useSessionStore((s) => s.expired);
  const signedIn = useSessionStore((s) => s.signedIn);
  const [restoring, setRestoring] = useState(true);
  /** What stands before the stored session: a passphrase to give, or (data of an earlier Cohort) to choose. */
  const [gate, setGate] = useState<'checking' | 'locked' | 'legacy' | 'open'>('checking');

  useEffect(() => {
    void protection().then(
      (p) =>
        setGate(
          p.mode !== 'passphrase' || p.state === 'unlocked'
            ? 'open'
            : p.state === 'locked'
              ? 'locked'
              : p.legacy
                ? 'legacy'
                : 'open',
        ),
      () => setGate('open'),
    );
  }, []);

  useEffect(() => {
    if (gate !== 'open') return;
    // Sign-outs that could not reach their server end their tokens now, if they can.
    void revokePending(revocationStore()).catch(() => undefined);
    loadSession()
      .then((stored) => stored && signedIn(stored))
      .finally(() => setRestoring(false));
  }, [gate, signedIn]);

  useEffect(() => {
    if (session) narrowConnectionsTo(session.serverUrl);
  }, [session]);

  const loading = (
    <Center h="100%">
      <Loader aria-label="Loading" />
    </Center>
  );
  if (gate === 'locked') {
    return (
      <UnlockScreen
        attempt={async (passphrase) => {
          const ok = await unlock(passphrase);
          if (ok) setGate('open');
          return ok;
        }}
      />
    );
  }
  if (gate === 'legacy') {
    return (
      <ProtectLaptopScreen
        legacy
        onChosen={async (passphrase) => {
          await choosePassphrase(passphrase);
          setGate('open');
        }}
      />
    );
  }
  if (gate === 'checking' || restoring) return loading;
  if (!session || expired) return <SignInScreen />;
  return (
    <DataProvider session={session} fallback={loading}>
      <AppLayout>
        <Routes>
          <Route path="/groups" element={<GroupsScreen />} />
          <Route path="/groups/:groupId" element={<GroupDetailScreen />} />
          <Route path="/clients" element={<ClientsScreen />} />
          <Route path="/clients/:clientId" element={<ClientDetailScreen />} />
          <Route path="/conflicts" element={<ConflictsScreen />} />
          <Route path="*" element={<Navigate to="/groups" replace />} />
        </Routes>
      </AppLayout>
    </DataProvider>
  );
}
