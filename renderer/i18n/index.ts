/** i18next set-up: English, Dutch and Romanian, switchable at run time and remembered. */
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import nl from './nl.json';
import ro from './ro.json';

export const LANGUAGES = ['en', 'nl', 'ro'] as const;
export type Language = (typeof LANGUAGES)[number];
export const resources = {
  en: { translation: en },
  nl: { translation: nl },
  ro: { translation: ro },
} as const;

const STORAGE_KEY = 'cohort.language';

function initialLanguage(): Language {
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (stored && (LANGUAGES as readonly string[]).includes(stored)) return stored as Language;
  const preferred = globalThis.navigator?.language?.slice(0, 2);
  return (LANGUAGES as readonly string[]).includes(preferred ?? '') ? (preferred as Language) : 'en';
}

export async function initI18n(): Promise<typeof i18n> {
  await i18n.use(initReactI18next).init({
    resources,
    lng: initialLanguage(),
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = i18n.language;
  return i18n;
}

export async function changeLanguage(language: Language): Promise<void> {
  await i18n.changeLanguage(language);
  globalThis.localStorage?.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language;
}

/**
 * The locale for dates and numbers: the system's own (en-GB, nl-BE…) when it speaks the
 * chosen language, otherwise the language itself.
 */
export function displayLocale(language: string): string {
  const system = globalThis.navigator?.language;
  return system?.toLowerCase().startsWith(language.toLowerCase()) ? system : language;
}
