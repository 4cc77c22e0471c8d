import { createRoot } from 'react-dom/client';
import '../shared/base.css';
import './sprint.css';
import { SprintApp } from './SprintApp';

createRoot(document.getElementById('root')!).render(<SprintApp />);
