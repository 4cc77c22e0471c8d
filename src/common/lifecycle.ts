import type * as vscode from 'vscode';

/**
 * The base for everything that owns listeners, emitters, timers or registrations:
 * whatever it `_register`s is disposed with it, in reverse order.
 */
export abstract class Disposable implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  protected _register<T extends vscode.Disposable>(disposable: T): T {
    if (this.disposed) {
      disposable.dispose();
    } else {
      this.disposables.push(disposable);
    }
    return disposable;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    while (this.disposables.length > 0) {
      try {
        this.disposables.pop()!.dispose();
      } catch {
        // One failing disposal must not keep the others from running.
      }
    }
  }
}

/** A timer as a disposable, so a pending callback never outlives its owner. */
export function disposableTimeout(callback: () => void, ms: number): vscode.Disposable {
  const handle = setTimeout(callback, ms);
  return { dispose: () => clearTimeout(handle) };
}
