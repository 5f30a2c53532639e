import { Center, Loader } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { AppLayout } from './components/AppLayout';
import { UnlockScreen } from './components/UnlockScreen';
import { DataProvider } from './data/DataProvider';
import { loadSession } from './data/sessionPersistence';
import { ClientDetailScreen } from './features/clients/ClientDetailScreen';
import { ConflictsScreen } from './features/sync/ConflictsScreen';
import { ClientsScreen } from './features/clients/ClientsScreen';
import { GroupDetailScreen } from './features/groups/GroupDetailScreen';
import { GroupsScreen } from './features/groups/GroupsScreen';
import { SignInScreen } from './features/session/SignInScreen';
import { useSessionStore } from './stores';

export function App() {
  const session = useSessionStore((s) => s.session);
  const expired = useSessionStore((s) => s.expired);
  const signedIn = useSessionStore((s) => s.signedIn);
  const [restoring, setRestoring] = useState(true);

  useEffect(() => {
    loadSession()
      .then((stored) => stored && signedIn(stored))
      .finally(() => setRestoring(false));
  }, [signedIn]);

  const loading = (
    <Center h="100%">
      <Loader aria-label="Loading" />
    </Center>
  );
  if (restoring) return loading;
  if (!session || expired) return <SignInScreen />;
  return (
    <DataProvider
      session={session}
      fallback={loading}
      renderUnlock={(attempt) => <UnlockScreen attempt={attempt} />}
    >
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
