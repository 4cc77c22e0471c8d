import { useCallback, useEffect, useMemo, useState } from 'react';
import type { SprintFromWebview, SprintToWebview, SprintUpdateMessage, SprintWebviewState } from '../../src/shared/sprintProtocol';
import { assertNever } from '../../src/shared/webview';
import type { BurndownChartProps } from '../shared/BurndownChart';
import { ErrorBanner } from '../shared/components';
import type { HostChannel } from '../shared/vscodeApi';
import { hostChannel, onHostMessage } from '../shared/vscodeApi';
import { SprintReportView } from './SprintReportView';

export interface SprintAppProps {
  /** Component tests pass their own; in the webview it is VS Code's. */
  readonly channel?: HostChannel<SprintFromWebview, SprintWebviewState>;
  readonly drawChart?: BurndownChartProps['draw'];
}

export function SprintApp({ channel: given, drawChart }: SprintAppProps = {}) {
  const channel = useMemo(() => given ?? hostChannel<SprintFromWebview, SprintWebviewState>(), [given]);
  const [update, setUpdate] = useState<SprintUpdateMessage>();
  const [gone, setGone] = useState<string>();

  useEffect(
    () =>
      onHostMessage<SprintToWebview>((message) => {
        switch (message.type) {
          case 'sprint':
            setGone(undefined);
            setUpdate(message);
            channel.saveState({ scope: message.scope });
            return;
          case 'gone':
            setGone(message.message);
            return;
          default:
            assertNever(message);
        }
      }),
    [channel],
  );
  // Listening first, then ready: the host answers at once.
  useEffect(() => {
    channel.post({ type: 'ready' });
  }, [channel]);

  // A report with no chart is drawn when React has put it on screen.
  useEffect(() => {
    if (update && update.report.burndown.dates.length === 0) channel.post({ type: 'rendered', revision: update.revision, points: 0 });
  }, [update, channel]);

  const revision = update?.revision;
  const onChartDrawn = useCallback(
    (points: number) => {
      if (revision !== undefined) channel.post({ type: 'rendered', revision, points });
    },
    [channel, revision],
  );
  const folder = update?.scope.folder;
  const onOpen = useCallback(
    (path: string, line: number) => {
      if (folder !== undefined) channel.post({ type: 'openFile', folder, path, line });
    },
    [channel, folder],
  );
  const onOpenUrl = useCallback((url: string) => channel.post({ type: 'openUrl', url }), [channel]);

  if (gone) return <ErrorBanner title="Nothing to show" message={gone} />;
  if (!update) return <p className="muted loading">Loading the sprint…</p>;
  return <SprintReportView report={update.report} onOpen={onOpen} onOpenUrl={onOpenUrl} onChartDrawn={onChartDrawn} {...(drawChart ? { drawChart } : {})} />;
}
