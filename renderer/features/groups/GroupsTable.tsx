/** The groups table with selection and a sortable name column: presentational, props only. */
import { Checkbox, Skeleton, Table } from '@mantine/core';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { GroupRow } from '../../data/groups';
import { SortHeader } from '../../components/SortHeader';
import { useStableCallback } from '../../components/useStableCallback';

type Props = {
  groups: GroupRow[];
  sort: 'name' | '-name';
  onToggleSort(): void;
  selected: ReadonlySet<string>;
  onSelect(ids: ReadonlySet<string>): void;
  selectable: boolean;
};

export function GroupsTable({ groups, sort, onToggleSort, selected, onSelect, selectable }: Props) {
  const { t } = useTranslation();
  const allOnPage = groups.length > 0 && groups.every((g) => selected.has(g.id));
  const someOnPage = groups.some((g) => selected.has(g.id));
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    onSelect(next);
  };
  const togglePage = useStableCallback(() => {
    const next = new Set(selected);
    for (const g of groups) {
      if (allOnPage) next.delete(g.id);
      else next.add(g.id);
    }
    onSelect(next);
  });
  return (
    <Table
      className="groups-table"
      highlightOnHover
      verticalSpacing="sm"
      horizontalSpacing="md"
      aria-label={t('groups.title')}
    >
      <GroupsTableHead
        sort={sort}
        onToggleSort={onToggleSort}
        allOnPage={allOnPage}
        someOnPage={someOnPage}
        onTogglePage={togglePage}
        selectable={selectable}
      />
      {/* Rows are plain elements: they re-render on every keystroke of the search, and Mantine's
          component layers cost more than the search itself (profiled; see bench/ui.ts). */}
      <tbody>
        {groups.map((group) => (
          <tr
            key={group.id}
            className="group-row"
            data-testid="group-row"
            aria-selected={selected.has(group.id)}
          >
            {selectable && (
              <td>
                <input
                  type="checkbox"
                  className="row-checkbox"
                  aria-label={t('groups.selectRow', { name: group.name })}
                  checked={selected.has(group.id)}
                  onChange={() => toggle(group.id)}
                />
              </td>
            )}
            <td>
              <Link className="row-link" to={`/groups/${encodeURIComponent(group.id)}`}>
                {group.name}
              </Link>
            </td>
            <td className="description" title={group.description}>
              {group.description || <span className="muted italic">{t('groups.noDescription')}</span>}
            </td>
            <td>
              {group.memberCount === null || group.activeCount === null ? (
                // The two lines the counts take, so the rows keep their height when the counts come.
                <>
                  <div>
                    <Skeleton
                      className="inline-skeleton"
                      height={12}
                      width={80}
                      radius="sm"
                      aria-label={t('groups.loading')}
                    />
                  </div>
                  <div className="muted small">
                    <Skeleton className="inline-skeleton" height={10} width={96} radius="sm" />
                  </div>
                </>
              ) : (
                <>
                  <div>{t('groups.membersCount', { count: group.memberCount })}</div>
                  <div className="muted small">{t('groups.activeCount', { count: group.activeCount })}</div>
                </>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

/** The header changes only with the sort and the page's selection, not with each keystroke. */
const GroupsTableHead = memo(function GroupsTableHead({
  sort,
  onToggleSort,
  allOnPage,
  someOnPage,
  onTogglePage,
  selectable,
}: {
  sort: 'name' | '-name';
  onToggleSort(): void;
  allOnPage: boolean;
  someOnPage: boolean;
  onTogglePage(): void;
  selectable: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Table.Thead>
      <Table.Tr>
        {selectable && (
          <Table.Th w={44}>
            <Checkbox
              aria-label={t('groups.selectAll')}
              checked={allOnPage}
              indeterminate={someOnPage && !allOnPage}
              onChange={onTogglePage}
            />
          </Table.Th>
        )}
        <SortHeader
          direction={sort === 'name' ? 'asc' : 'desc'}
          onToggle={onToggleSort}
          title={sort === 'name' ? t('groups.sortAscending') : t('groups.sortDescending')}
        >
          {t('groups.columns.name')}
        </SortHeader>
        <Table.Th scope="col">{t('groups.columns.description')}</Table.Th>
        <Table.Th scope="col" w={170}>
          {t('groups.columns.members')}
        </Table.Th>
      </Table.Tr>
    </Table.Thead>
  );
});
