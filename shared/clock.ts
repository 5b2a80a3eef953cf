/** Time is a parameter of the core: production passes `systemClock`, tests a fixed one. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

export const fixedClock =
  (iso: string): Clock =>
  () =>
    new Date(iso);
