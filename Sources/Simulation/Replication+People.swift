import CoverageModel
import Randomness

/// People (docs/model.md, "People"): a rep leaving hands over or loses their open opportunities.
extension Replication {
  /// Seat `seat`'s rep leaves: the seat is vacant until its backfill, and the rep's open
  /// opportunities pass to the team's rep with the most free slots (over capacity if need be; kept
  /// for the backfill if nobody is in post), each lost with the team's handover_loss.
  mutating func repLeaves(_ seat: Int) {
    let people = Int(plan.seats[seat].people)
    if plan.hasEffort, effort.isTimed(Int(plan.people[people].team)) { return timedRepLeaves(seat, team: Int(plan.people[people].team)) }
    let loss = plan.people[people].handoverLoss
    for i in opportunities.indices where opportunities[i].rep == Int32(seat) {
      if loss > 0 {
        generator.select(key: workforce.handoverKey(seat: seat, opportunity: opportunities[i].key), attribute: StreamAttribute.only)
        if generator.uniform() < loss {
          abandon(Int32(i), people: people)
          continue
        }
      }
      let heir = workforce.freestSeat(people: people, at: now, plan: plan, handingOver: seat)
      guard heir >= 0 else { continue }
      workforce.release(Int32(seat))
      workforce.take(heir)
      opportunities[i].rep = heir
    }
    workforce.leave(seat, at: now, plan: plan, calendar: &calendar, generator: generator)
  }

  /// An open opportunity lost in a hand-over: it counts as lost now and gives back its team slot,
  /// rep and specialist; the event it was waiting for frees it (a request waiting without
  /// patience has none, so is freed here).
  mutating func abandon(_ index: Int32, people: Int) {
    let opportunity = opportunities[Int(index)]
    if now >= 0 {
      metrics.lost(segment: Int(opportunity.segment))
      workforce.handoverLost(people: people, at: now)
    }
    if trace != nil { traceClosed(index, won: false) }
    occupyTeam(Int(opportunity.team), by: -1)
    releaseSpecialist(index)
    workforce.release(opportunity.rep)
    opportunities[Int(index)].rep = -1
    opportunities[Int(index)].abandoned = true
    if opportunity.waiting {
      opportunities[Int(index)].waiting = false
      if !opportunity.patienceClock { freeSlot(index) }
    } else {
      // A patience clock left over from a request already served must not free it.
      opportunities[Int(index)].token = calendar.newToken()
    }
  }
}
