/** Renderer entry: runs unchanged in the Electron window and in a plain browser. */
import '@mantine/core/styles.css';
import './styles.css';
import { MantineProvider } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { HashRouter } from 'react-router';
import { App } from './App';
import { initI18n } from './i18n';
import { theme } from './theme';

// Steps of the start are marked 'cohort:…' (User Timing): the bench prints them beside the first rows.
performance.mark('cohort:script');
await initI18n();
performance.mark('cohort:i18n');

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="light">
      <HashRouter>
        <App />
      </HashRouter>
    </MantineProvider>
  </StrictMode>,
);
