/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
/** Trains and scores one C2ST fold off the main thread (see c2st.ts). */
import { foldAccuracy, type FoldJob } from "./mlp_classifier.ts";

self.onmessage = async (event: MessageEvent<FoldJob>) => self.postMessage(await foldAccuracy(event.data));
