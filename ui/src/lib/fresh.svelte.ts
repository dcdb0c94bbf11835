// A screen's one line for following background refreshes (see refresh.ts).
import { untrack } from "svelte";
import { followRefreshes } from "./refresh";

/**
 * Call while the screen's component is set up. `reload` fetches the screen's
 * data again without clearing what is shown; `busy` says when that must wait
 * (a form open): the waiting refresh runs as soon as `busy` turns false.
 */
export function keepFresh(reload: () => unknown, busy: () => boolean = () => false): void {
  const follower = followRefreshes(reload, busy);
  $effect(() => {
    if (!busy()) untrack(() => follower.resume());
  });
  // Stops following when the screen is left.
  $effect(() => () => follower.stop());
}
