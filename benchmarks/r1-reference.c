// A straightforward hand-written C discrete-event simulation of benchmark R1
// with GSL's mt19937: one generator per replication, a binary heap of
// events, a free list of opportunities. It is the yardstick for `cccm bench`: run both on the same
// machine at the same time (scripts/bench-reference.sh) and compare, since shared machines are noisy.
//
// Build: cc -O2 -o r1-reference r1-reference.c -lgsl -lgslcblas -lm
// Usage: r1-reference [replications (400)] [runs (5)]
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { SEGMENTS = 10, REGIONAL = 8, EXPERTS = 20 };
enum { ARRIVAL, STAGE_END, PRESALES_DONE };

typedef struct { double time; uint64_t seq; int kind; int id; } Event;
typedef struct { int segment, stage; double arrival, value, request; } Opportunity;

static Event *heap; static int heap_n, heap_cap; static uint64_t seq;
static Opportunity *opps; static int opps_n, opps_cap; static int *free_ids, free_n;
static int *queue; static int q_head, q_tail, q_cap;

static int before(const Event *a, const Event *b) {
  return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}
static void push(double time, int kind, int id) {
  if (heap_n == heap_cap) { heap_cap *= 2; heap = realloc(heap, heap_cap * sizeof(Event)); }
  Event e = {time, seq++, kind, id};
  int i = heap_n++;
  while (i > 0) {
    int p = (i - 1) / 2;
    if (!before(&e, &heap[p])) break;
    heap[i] = heap[p]; i = p;
  }
  heap[i] = e;
}
static Event pop(void) {
  Event top = heap[0], last = heap[--heap_n];
  int i = 0;
  for (;;) {
    int c = 2 * i + 1;
    if (c >= heap_n) break;
    if (c + 1 < heap_n && before(&heap[c + 1], &heap[c])) c++;
    if (!before(&heap[c], &last)) break;
    heap[i] = heap[c]; i = c;
  }
  heap[i] = last;
  return top;
}
static int new_opp(void) {
  if (free_n > 0) return free_ids[--free_n];
  if (opps_n == opps_cap) {
    opps_cap *= 2;
    opps = realloc(opps, opps_cap * sizeof(Opportunity));
    free_ids = realloc(free_ids, opps_cap * sizeof(int));
  }
  return opps_n++;
}

static const double rate[SEGMENTS] = {3, 3, 3, 3, 3, 3, 3, 3, 0.5, 0.5};
static const int capacity[SEGMENTS] = {24, 24, 24, 24, 24, 24, 24, 24, 12, 12};
static const double regional_advance[3] = {0.60, 0.50, 0.55};
static const double key_advance[5] = {0.70, 0.60, 0.60, 0.60, 0.50};

int main(int argc, char **argv) {
  int replications = argc > 1 ? atoi(argv[1]) : 400, runs = argc > 2 ? atoi(argv[2]) : 5;
  heap_cap = 1024; heap = malloc(heap_cap * sizeof(Event));
  opps_cap = 1024; opps = malloc(opps_cap * sizeof(Opportunity)); free_ids = malloc(opps_cap * sizeof(int));
  q_cap = 1 << 16; queue = malloc(q_cap * sizeof(int));
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  double rates[64];
  for (int run = 0; run < runs; run++) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    double arrivals = 0, wins = 0, bookings = 0, waits = 0;
    for (int rep = 0; rep < replications; rep++) {
      gsl_rng_set(r, 1 + rep + 1000003UL * run);
      heap_n = 0; seq = 0; opps_n = 0; free_n = 0; q_head = q_tail = 0;
      int busy[SEGMENTS] = {0}, experts = 0;
      for (int s = 0; s < SEGMENTS; s++) push(gsl_ran_exponential(r, 1 / rate[s]), ARRIVAL, s);
      while (heap_n > 0 && heap[0].time < 365) {
        Event e = pop();
        double now = e.time;
        if (e.kind == ARRIVAL) {
          int s = e.id;
          push(now + gsl_ran_exponential(r, 1 / rate[s]), ARRIVAL, s);
          arrivals++;
          if (busy[s] >= capacity[s]) continue;
          busy[s]++;
          int id = new_opp();
          Opportunity *o = &opps[id];
          o->segment = s; o->stage = 0; o->arrival = now;
          o->value = s < REGIONAL ? gsl_ran_lognormal(r, 10.819778284410283, 0.8) : gsl_ran_lognormal(r, 13.122363377404328, 1.0);
          push(now + gsl_ran_gamma(r, 2, s < REGIONAL ? 3 : 10), STAGE_END, id);
        } else if (e.kind == STAGE_END) {
          Opportunity *o = &opps[e.id];
          int regional = o->segment < REGIONAL, stages = regional ? 3 : 5;
          double advance = regional ? regional_advance[o->stage] : key_advance[o->stage];
          int advances = gsl_rng_uniform(r) < advance;
          if (!advances || o->stage == stages - 1) {
            if (advances) { wins++; bookings += o->value; }
            busy[o->segment]--;
            free_ids[free_n++] = e.id;
            continue;
          }
          o->stage++;
          if (o->stage == 1) {  // stage 2 asks presales pool P
            o->request = now;
            if (experts < EXPERTS) { experts++; push(now + gsl_ran_exponential(r, 2), PRESALES_DONE, e.id); }
            else { queue[q_tail++ & (q_cap - 1)] = e.id; }
          } else {
            push(now + gsl_ran_gamma(r, 2, regional ? 3 : 10), STAGE_END, e.id);
          }
        } else {
          Opportunity *o = &opps[e.id];
          experts--;
          if (q_head != q_tail) {
            int next = queue[q_head++ & (q_cap - 1)];
            experts++;
            waits += now - opps[next].request;
            push(now + gsl_ran_exponential(r, 2), PRESALES_DONE, next);
          }
          push(now + gsl_ran_gamma(r, 2, o->segment < REGIONAL ? 3 : 10), STAGE_END, e.id);
        }
      }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    rates[run < 64 ? run : 63] = arrivals / seconds;
    fprintf(stderr, "run %d: %.0f opportunities/s (wins %.0f, bookings %.3g, waits %.3g)\n", run, arrivals / seconds, wins, bookings, waits);
  }
  int n = runs < 64 ? runs : 64;
  for (int i = 1; i < n; i++) for (int j = i; j > 0 && rates[j - 1] > rates[j]; j--) { double t = rates[j]; rates[j] = rates[j - 1]; rates[j - 1] = t; }
  printf("C reference (mt19937): %.0f opportunities/s, median of %d runs of %d replications\n", rates[n / 2], n, replications);
  gsl_rng_free(r);
  return 0;
}
