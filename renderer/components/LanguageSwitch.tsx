import { Select } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { changeLanguage, LANGUAGES, type Language } from '../i18n';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <Select
      aria-label={t('shell.language')}
      size="xs"
      w={130}
      allowDeselect={false}
      value={i18n.language}
      data={LANGUAGES.map((l) => ({ value: l, label: t(`language.${l}`) }))}
      onChange={(value) => value && void changeLanguage(value as Language)}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
