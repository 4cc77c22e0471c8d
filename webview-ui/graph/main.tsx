import { createRoot } from 'react-dom/client';
import '../shared/base.css';
import './graph.css';
import { GraphApp } from './GraphApp';

createRoot(document.getElementById('root')!).render(<GraphApp />);
