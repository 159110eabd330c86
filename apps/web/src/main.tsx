import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { validateWithoutEval } from '@conclave/protocol';
import { App } from './app/App.tsx';
import './styles.css';

// The server's Content-Security-Policy allows no eval: validation must not even try it.
validateWithoutEval();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
