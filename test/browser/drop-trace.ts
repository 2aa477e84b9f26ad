import type { Page } from 'playwright-core';
import { churnTrace } from '../bench/churn-trace.ts';
import { collectBundle } from './collect-bundle.ts';

/**
 * Drops a QEMU trace of `lines` lines (churn-trace.ts, or another self-contained generator) and
 * the intel-client host bundle on the app, as from a file manager. The trace is generated in the
 * page: tens of megabytes through the automation protocol would be the slow part.
 */
export async function dropTrace(
  page: Page,
  lines: number,
  generate: (lines: number) => string = churnTrace,
): Promise<void> {
  await page.evaluate(`window.trace = (${generate.toString()})(${lines})`);
  await page.evaluate((bundle) => {
    const dt = new DataTransfer();
    dt.items.add(new File([bundle], 'host.txt', { type: 'text/plain' }));
    const trace = (window as unknown as { trace: string }).trace;
    dt.items.add(new File([trace], 'qemu-trace.log', { type: 'text/plain' }));
    delete (window as unknown as { trace?: string }).trace;
    const app = document.querySelector('.app') as HTMLElement;
    for (const type of ['dragenter', 'dragover', 'drop'])
      app.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, collectBundle('intel-client'));
}
