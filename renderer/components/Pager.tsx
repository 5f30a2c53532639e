/** Previous / Next with "page X of Y" between them; presentational. */
import { Button, Group as Row, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export const PAGE_SIZE = 20;

export function pageCount(total: number, size = PAGE_SIZE): number {
  return Math.max(1, Math.ceil(total / size));
}

export function Pager({
  page,
  total,
  onPage,
  label,
}: {
  page: number;
  total: number;
  onPage(page: number): void;
  label: string;
}) {
  const { t } = useTranslation();
  const pages = pageCount(total);
  if (pages <= 1) return null;
  return (
    <Row component="nav" aria-label={label} justify="space-between" px="md" py="sm">
      <Button variant="default" size="xs" onClick={() => onPage(page - 1)} disabled={page <= 1}>
        {t('common.previous')}
      </Button>
      <Text size="sm" c="dimmed" aria-live="polite">
        {t('common.pageOf', { page, pages })}
      </Text>
      <Button variant="default" size="xs" onClick={() => onPage(page + 1)} disabled={page >= pages}>
        {t('common.next')}
      </Button>
    </Row>
  );
}
