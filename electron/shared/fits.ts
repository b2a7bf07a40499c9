// A check made by tsc, for two declarations of one thing that must stay alike (a zod schema and
// a hand-written type, a list and the schemas made per entry): `Fits<A, B>` compiles only when
// every A is a B. Types only: nothing of it runs.
export type Fits<A extends B, B> = A;
