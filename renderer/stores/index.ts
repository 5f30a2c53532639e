/**
 * UI state only (session, sync status, search): zustand, imported through this module.
 * Documents live in the local database (renderer/data), never here.
 */
import { create } from 'zustand';
import type { LoginResponse } from '../../domain/session';
import type { SyncStatus } from '../../sync/client/status';

export type Session = LoginResponse & { serverUrl: string };

type SessionState = {
  session: Session | null;
  /** Set when the server stopped accepting the token: the sign-in screen says why. */
  expired: boolean;
  signedIn(session: Session): void;
  expire(): void;
  signedOut(): void;
};

export const useSessionStore = create<SessionState>((set) => ({
  session: null,
  expired: false,
  signedIn: (session) => set({ session, expired: false }),
  expire: () => set({ expired: true }),
  signedOut: () => set({ session: null, expired: false }),
}));

type SyncState = {
  status: SyncStatus | null;
  setStatus(status: SyncStatus | null): void;
};

export const useSyncStore = create<SyncState>((set) => ({
  status: null,
  setStatus: (status) => set({ status }),
}));

type GroupsViewState = {
  /** The search term in effect: survives opening a group and coming back. */
  search: string;
  setSearch(search: string): void;
  sort: 'name' | '-name';
  toggleSort(): void;
  page: number;
  setPage(page: number): void;
  selected: ReadonlySet<string>;
  setSelected(ids: ReadonlySet<string>): void;
  newGroupOpen: boolean;
  setNewGroupOpen(open: boolean): void;
};

export const useGroupsView = create<GroupsViewState>((set) => ({
  search: '',
  setSearch: (search) => set({ search, page: 1 }),
  sort: 'name',
  toggleSort: () => set((s) => ({ sort: s.sort === 'name' ? '-name' : 'name', page: 1 })),
  page: 1,
  setPage: (page) => set({ page }),
  selected: new Set(),
  setSelected: (selected) => set({ selected }),
  newGroupOpen: false,
  setNewGroupOpen: (newGroupOpen) => set({ newGroupOpen }),
}));

type ClientsViewState = {
  search: string;
  setSearch(search: string): void;
  page: number;
  setPage(page: number): void;
};

export const useClientsView = create<ClientsViewState>((set) => ({
  search: '',
  setSearch: (search) => set({ search, page: 1 }),
  page: 1,
  setPage: (page) => set({ page }),
}));
