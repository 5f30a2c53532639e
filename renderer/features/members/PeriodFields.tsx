/** A membership's start and end date, with the period's errors under each field. */
import { Group as Row, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';

type Props = {
  startDate: string;
  endDate: string;
  errors: Partial<Record<'startDate' | 'endDate', string>>;
  onStartDate(value: string): void;
  onEndDate(value: string): void;
  autoFocus?: boolean;
};

export function PeriodFields({ startDate, endDate, errors, onStartDate, onEndDate, autoFocus }: Props) {
  const { t } = useTranslation();
  return (
    <Row grow align="flex-start">
      <TextInput
        type="date"
        label={t('memberForm.startDate')}
        value={startDate}
        onChange={(e) => onStartDate(e.currentTarget.value)}
        error={errors.startDate && t(`memberForm.errors.${errors.startDate}`)}
        required
        data-autofocus={autoFocus || undefined}
      />
      <TextInput
        type="date"
        label={t('memberForm.endDate')}
        description={t('memberForm.endDateHint')}
        inputWrapperOrder={['label', 'input', 'error', 'description']}
        value={endDate}
        min={startDate || undefined}
        onChange={(e) => onEndDate(e.currentTarget.value)}
        error={errors.endDate && t(`memberForm.errors.${errors.endDate}`)}
      />
    </Row>
  );
}
