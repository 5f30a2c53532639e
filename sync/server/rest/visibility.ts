/**
 * What a caller may see of a REST answer. Every answer passes through `visibleTo` on its
 * way out (operation.ts), so no operation can show a field its caller's permissions do
 * not let it read — also a write's answer: a token that may rename a group but not read
 * groups learns the group's id, not its name, description or members.
 *
 * The answers' envelopes name what they hold (`group`, `client`, `member`, and the lists
 * `groups`, `clients`, `members`): each is cut here by the permission that reads it.
 */
import { can, type Permission } from '../../../domain/permissions';

type Entity = Record<string, unknown> & { id?: unknown };

/** A group without `client_groups.read`: its id alone. */
function group(permissions: readonly Permission[], value: Entity): Entity {
  return can(permissions, 'client_groups.read') ? value : { id: value.id };
}

/** A client without `clients.read`: its id alone; the groups they are in only with `client_groups.read`. */
function client(permissions: readonly Permission[], value: Entity): Entity {
  if (!can(permissions, 'clients.read')) return { id: value.id };
  if (!('groups' in value) || can(permissions, 'client_groups.read')) return value;
  const { groups, ...rest } = value;
  void groups;
  return rest;
}

/**
 * A member (a membership with its client): the period only with `client_groups.read`, the
 * client's name and email only with `clients.read`.
 */
function member(permissions: readonly Permission[], value: Entity): Entity {
  const who = (value.client ?? {}) as Entity;
  const seen = can(permissions, 'clients.read') ? who : { id: who.id };
  return can(permissions, 'client_groups.read') ? { ...value, client: seen } : { client: { id: who.id } };
}

const VIEWS: Record<string, (permissions: readonly Permission[], value: Entity) => Entity> = {
  group,
  groups: group,
  client,
  clients: client,
  member,
  members: member,
};

/** `answer` with every entity in its envelope cut to what `permissions` may read. */
export function visibleTo(permissions: readonly Permission[], answer: unknown): unknown {
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) return answer;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(answer)) {
    const view = VIEWS[key];
    if (!view || value === null || typeof value !== 'object') out[key] = value;
    else if (Array.isArray(value)) out[key] = value.map((item) => view(permissions, item as Entity));
    else out[key] = view(permissions, value as Entity);
  }
  return out;
}
