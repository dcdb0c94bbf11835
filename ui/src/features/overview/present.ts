// Presentation rules for the Overview: how a status and a trend are said
// in words and symbols, so that meaning never rests on colour alone.
import type { MetricStatus, Overview, Tile, Trend } from "../../ipc/bindings";

export interface StatusLook {
  label: string;
  symbol: string;
  tone: "good" | "warn" | "bad" | "neutral";
}

export function statusLook(status: MetricStatus): StatusLook {
  switch (status) {
    case "met":
      return { label: "On target", symbol: "✓", tone: "good" };
    case "at_risk":
      return { label: "At risk", symbol: "!", tone: "warn" };
    case "missed":
      return { label: "Off target", symbol: "✕", tone: "bad" };
    case "no_target":
      return { label: "No target", symbol: "–", tone: "neutral" };
  }
}

export interface TrendLook {
  symbol: string;
  words: string;
  tone: "good" | "bad" | "neutral";
}

export function trendLook(trend: Trend): TrendLook {
  switch (trend) {
    case "better":
      return { symbol: "▲", words: "Better", tone: "good" };
    case "worse":
      return { symbol: "▼", words: "Worse", tone: "bad" };
    case "same":
      return { symbol: "▶", words: "Unchanged", tone: "neutral" };
    case "unknown":
      return { symbol: "·", words: "No comparison", tone: "neutral" };
  }
}

/** Tiles in reading order: the areas an executive asks about first. */
export function orderedTiles(overview: Overview): Tile[] {
  const order = ["service_levels", "security_hygiene", "resilience", "vendors"];
  return [...overview.tiles].sort((a, b) => order.indexOf(a.area) - order.indexOf(b.area));
}

/** What a screen reader says for a tile, in one sentence. */
export function tileSummary(tile: Tile): string {
  const status = statusLook(tile.status).label.toLowerCase();
  return `${tile.title}: ${tile.measure}, ${tile.value_text}, ${tile.target_text}, ${status}, ${tile.trend_text}.`;
}
