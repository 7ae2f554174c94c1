/**
 * A notice the window is told once: the first call returns it, later ones null (a reloaded
 * window does not repeat it).
 */
export function toldOnce<T>(notice: T | null): () => T | null {
  let untold = notice;
  return () => {
    const told = untold;
    untold = null;
    return told;
  };
}
