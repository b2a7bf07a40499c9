// The labs the concurrency scenario starts, shared by the soak and its short version in `npm test`.
// Eight from one server: mostly container labs, the same lab more than once (eight tabs of a
// workshop), and one VM. Two servers: each starts these plus a lab whose image neither has yet.
export const CONCURRENT_LABS = {
  oneServerLabs: ['first-steps', 'first-steps', 'first-steps', 'volume-backup', 'volume-backup', 'rebuild-not-patch', 'image-layers', 'shared-kernel'],
  perServerLabs: ['first-steps', 'volume-backup'],
};
