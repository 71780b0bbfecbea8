/**
 * Runs `work` and says what it is about once its first requests are on their way (at the next turn
 * of the event loop), and at the latest when it ends: saying it (rendering a plan for the log) is
 * then not on the path of the writes it describes.
 */
export async function announcedWhileRunning<T>(
  work: () => Promise<T>,
  announce: () => void,
): Promise<T> {
  let said = false;
  const say = (): void => {
    if (!said) announce();
    said = true;
  };
  const running = work();
  setImmediate(say);
  try {
    return await running;
  } finally {
    say();
  }
}
