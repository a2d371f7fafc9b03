/** How the runner and commands tell the user what happens. The CLI implements it with colour; code may pass its own. */
export interface StepInfo {
  revision: string;
  message: string;
  direction: "up" | "down";
  file: string;
}

export interface Reporter {
  info(message: string): void;
  warn(message: string): void;
  stepStarted(step: StepInfo): void;
  stepFinished(step: StepInfo, durationMs: number): void;
  /** Another process applied this step while we waited for it. */
  stepSkipped(step: StepInfo, reason: string): void;
  /** Optional: a status line that replaces the previous one (a terminal shows it in place); undefined clears it. */
  progress?(message: string | undefined): void;
}

export const silentReporter: Reporter = {
  info() {},
  warn() {},
  stepStarted() {},
  stepFinished() {},
  stepSkipped() {},
};
