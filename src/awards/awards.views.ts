import type { AwardRow } from './awards.service';

/** An award as the public sees it: entry title and the solver's name, never an email address. */
export function toWinnerView({ award, entryTitle, solverName }: AwardRow) {
  return {
    id: award.id,
    place: award.place,
    kind: award.kind,
    title: award.title,
    prize: award.prizeAmount && award.prizeCurrency ? { amount: award.prizeAmount, currency: award.prizeCurrency } : null,
    citation: award.citation,
    entry: { id: award.submissionId, title: entryTitle },
    solverName,
  };
}
