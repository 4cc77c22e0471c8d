import { createRoot } from 'react-dom/client';
import '../shared/base.css';
import './report.css';
import { ReportApp } from './ReportApp';

createRoot(document.getElementById('root')!).render(<ReportApp />);
