// One plain sentence for each term an executive may not know, shown by
// <Term> on hover and focus. Keys are lower case; `explain` also accepts
// the other names a term goes by.

export const glossary: Record<string, string> = {
  p1: "The most urgent kind of ticket: something important has stopped working.",
  p2: "An urgent ticket: something important works badly, but people can carry on for now.",
  sla: "Service level agreement: the promises in your contract about how fast and how well your provider must help.",
  "patch compliance": "The share of your computers that got their security updates on time.",
  patching: "Installing the security updates that fix known weaknesses in your computers' software.",
  "restore test": "A check that files can really be brought back from a backup.",
  "resilience test": "A rehearsal that proves your systems can be brought back after a serious failure.",
  backlog: "Tickets that are still open and waiting to be finished.",
  "critical vulnerability":
    "A serious security weakness that attackers could use to get in; it should be fixed within days.",
  certificate:
    "A digital ID that lets a website or system prove who it is; when it expires, people see warnings or it stops working.",
  msp: "Managed service provider: the company you pay to run your IT.",
  rmm: "Remote monitoring and management: the tool your provider uses to watch and update your computers.",
  psa: "The system your provider uses to record tickets, time and billing (professional services automation).",
  "first response": "How long your provider took to first reply to a request for help.",
  resolution: "How long your provider took to fix the problem and close the ticket.",
  satisfaction: "How your staff rated the help they got, from short surveys after tickets (often called CSAT).",
  "key person":
    "Someone at your provider whose departure would hurt your service, because few others know your systems.",
  availability: "The share of time a system was up and working.",
  "change success": "The share of planned changes to your systems that went in without causing a problem.",
  median: "The middle value: half the cases were quicker and half were slower.",
  "90th percentile": "Nine in ten cases were this quick or quicker; the slowest tenth took longer.",
  "service credit": "Money the contract says the provider must give back when it misses its targets.",
};

const otherNames: Record<string, string> = {
  "service level agreement": "sla",
  "service levels": "sla",
  "patching compliance": "patch compliance",
  "backup restore test": "restore test",
  "critical vulnerabilities": "critical vulnerability",
  "critical weakness": "critical vulnerability",
  "critical weaknesses": "critical vulnerability",
  vulnerability: "critical vulnerability",
  certificates: "certificate",
  "managed service provider": "msp",
  "first response time": "first response",
  "resolution time": "resolution",
  csat: "satisfaction",
  "satisfaction (csat)": "satisfaction",
  "customer satisfaction": "satisfaction",
  "key person risk": "key person",
  uptime: "availability",
  "change success rate": "change success",
  p90: "90th percentile",
  "90th": "90th percentile",
  "service credits": "service credit",
  "service credit owed": "service credit",
  "service credits owed": "service credit",
  "service credits the contract says are owed": "service credit",
};

function key(term: string): string {
  return term.trim().toLowerCase().replace(/\s+/g, " ");
}

/** The plain explanation of a term, or undefined when the glossary lacks it. */
export function explain(term: string): string | undefined {
  const name = key(term);
  const canonical = Object.hasOwn(otherNames, name) ? otherNames[name] : name;
  return Object.hasOwn(glossary, canonical) ? glossary[canonical] : undefined;
}
