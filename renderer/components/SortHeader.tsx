/** A sortable column header: a button with a visible arrow and aria-sort on the cell. */
import { Table, UnstyledButton } from '@mantine/core';
import type { ReactNode } from 'react';

export function SortHeader({
  children,
  direction,
  onToggle,
  title,
}: {
  children: ReactNode;
  direction: 'asc' | 'desc' | null;
  onToggle(): void;
  title: string;
}) {
  return (
    <Table.Th
      scope="col"
      aria-sort={direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : 'none'}
    >
      <UnstyledButton onClick={onToggle} title={title} className="sort-header" fw={700} fz="sm">
        {children}
        <span aria-hidden className="sort-arrow">
          {direction === 'asc' ? '▲' : direction === 'desc' ? '▼' : '↕'}
        </span>
      </UnstyledButton>
    </Table.Th>
  );
}
