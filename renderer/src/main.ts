// First: must run before any electron/common schema is built (see the module's comment).
import './lib/zod-csp.js';
import { mount } from 'svelte';
import AppShell from './app-shell.svelte';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html lost its #app element');

mount(AppShell, { target });
