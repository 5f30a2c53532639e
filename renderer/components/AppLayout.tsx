/** The signed-in frame: brand, navigation, sync state and the account menu. */
import { AppShell, Avatar, Badge, Group as Row, Menu, NavLink, Text, UnstyledButton } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink as RouterLink } from 'react-router';
import { useUnseenConflicts } from '../data/conflicts';
import { SyncIndicator } from '../features/sync/SyncIndicator';
import { useSessionStore } from '../stores';
import { DesktopShell } from './DesktopShell';
import { LanguageSwitch } from './LanguageSwitch';
import { LocalDataNotice } from './LocalDataNotice';
import { SignOutDialog } from './SignOutDialog';

export function AppLayout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const session = useSessionStore((s) => s.session);
  const [signingOut, setSigningOut] = useState(false);
  if (!session) return null;
  const initials = session.user.name
    .split(/\s+/)
    .map((p) => p[0])
    .join('')
    .slice(0, 2)
    .toUpperCase();

  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 220, breakpoint: 'xs' }} padding="lg">
      <AppShell.Header>
        <Row h="100%" px="md" justify="space-between" wrap="nowrap">
          <Row gap="xs" wrap="nowrap">
            <span className="brand-mark" aria-hidden>
              C
            </span>
            <Text fw={700}>{t('app.name')}</Text>
            <Text c="dimmed" size="sm" ml="sm" visibleFrom="sm">
              {session.organization.name}
            </Text>
          </Row>
          <Row gap="md" wrap="nowrap">
            <SyncIndicator />
            <Menu position="bottom-end" width={240} shadow="md">
              <Menu.Target>
                <UnstyledButton aria-label={t('shell.account')}>
                  <Row gap="xs" wrap="nowrap">
                    <Avatar color="teal" radius="xl" size="sm">
                      {initials}
                    </Avatar>
                    <Text size="sm" visibleFrom="sm">
                      {session.user.name}
                    </Text>
                  </Row>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>{t('shell.signedInAs', { name: session.user.email })}</Menu.Label>
                <Text size="xs" c="dimmed" px="sm" pb="xs">
                  {session.organization.name} · {t(`shell.role.${session.user.role}`)}
                </Text>
                <Menu.Divider />
                <Menu.Item onClick={() => setSigningOut(true)}>{t('shell.signOut')}</Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Row>
        </Row>
      </AppShell.Header>
      <AppShell.Navbar p="sm">
        <AppShell.Section grow component="nav" aria-label={t('shell.navigation')}>
          <NavLink component={RouterLink} to="/groups" label={t('shell.groups')} />
          <NavLink component={RouterLink} to="/clients" label={t('shell.clients')} />
          <ConflictsLink />
        </AppShell.Section>
        <AppShell.Section>
          <LanguageSwitch />
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main>
        <LocalDataNotice />
        <DesktopShell />
        {children}
      </AppShell.Main>
      {signingOut && <SignOutDialog session={session} onCancel={() => setSigningOut(false)} />}
    </AppShell>
  );
}

/** "Sync conflicts", with a badge while there is something new in the log. */
function ConflictsLink() {
  const { t } = useTranslation();
  const unseen = useUnseenConflicts();
  return (
    <NavLink
      component={RouterLink}
      to="/conflicts"
      label={t('shell.conflicts')}
      aria-label={unseen > 0 ? t('shell.conflictsNew', { count: unseen }) : t('shell.conflicts')}
      rightSection={
        unseen > 0 ? (
          <Badge size="sm" color="orange" circle data-testid="conflicts-badge" aria-hidden>
            {unseen}
          </Badge>
        ) : null
      }
    />
  );
}
