// The few pieces of GSL that Swift 6 cannot reach directly, as `static inline` C.
//
// - `cccm_philox_type()`: a counter-based generator (Philox2x64-10, Salmon et al., "Parallel random
//   numbers: as easy as 1, 2, 3", SC'11) registered as a custom `gsl_rng_type`, so every `gsl_ran_*`
//   sampler draws from it. Its output is a pure function of (key, attribute, draw number): selecting a
//   stream is three stores, which is what docs/model.md per-opportunity streams need.
//   `cccm_philox_select_drawing()` selects one stream and draws once from another, the two first
//   blocks computed side by side.
// - `cccm_rng_type_named()`: GSL's own generators by name (the global `gsl_rng_*` type pointers are
//   mutable globals that Swift 6 refuses to read).
#ifndef CCCM_GSL_SHIM_H
#define CCCM_GSL_SHIM_H

// GSL's small functions (gsl_rng_uniform, ...) as inline definitions, so each draw skips a call.
#ifndef HAVE_INLINE
#define HAVE_INLINE 1
#endif
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_erf.h>
#include <gsl/gsl_qrng.h>
#include <gsl/gsl_multifit.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

typedef struct {
  uint64_t key;       // the stream's key (e.g. a hash of seed, replication, segment, opportunity)
  uint64_t attribute; // the attribute's fixed place in that stream (high word of the counter)
  uint64_t counter;   // block number within the attribute (low word of the counter)
  uint64_t block[2];  // the last block computed
  int used;           // words of `block` already drawn (2: none left)
} cccm_philox_state;

// One Philox round: multiply, swap halves, mix in the key; then bump the key (Weyl sequence).
#define CCCM_PHILOX_ROUND                                    \
  do {                                                       \
    __uint128_t product = (__uint128_t)M * c0;               \
    c0 = (uint64_t)(product >> 64) ^ key ^ c1;               \
    c1 = (uint64_t)product;                                  \
    key += W;                                                \
  } while (0)

static inline void cccm_philox_block(uint64_t key, uint64_t c0, uint64_t c1,
                                     uint64_t *out0, uint64_t *out1) {
  const uint64_t M = 0xD2B74407B1CE6E93ULL;
  const uint64_t W = 0x9E3779B97F4A7C15ULL;
  // Ten rounds, written out: a loop costs a compare and branch per round.
  CCCM_PHILOX_ROUND; CCCM_PHILOX_ROUND; CCCM_PHILOX_ROUND; CCCM_PHILOX_ROUND; CCCM_PHILOX_ROUND;
  CCCM_PHILOX_ROUND; CCCM_PHILOX_ROUND; CCCM_PHILOX_ROUND; CCCM_PHILOX_ROUND; CCCM_PHILOX_ROUND;
  *out0 = c0;
  *out1 = c1;
}

// Inlined into each draw (left to itself, the compiler calls it).
static inline __attribute__((always_inline)) uint64_t cccm_philox_next(cccm_philox_state *s) {
  if (s->used < 2) return s->block[s->used++];
  cccm_philox_block(s->key, s->counter, s->attribute, &s->block[0], &s->block[1]);
  s->counter++;
  s->used = 1;
  return s->block[0];
}

// Two blocks of the same key side by side: two independent chains of multiplies, which the
// processor runs in parallel, so the pair takes about the time of one.
#define CCCM_PHILOX_ROUND_PAIR                                   \
  do {                                                           \
    __uint128_t product = (__uint128_t)M * c0;                   \
    __uint128_t other = (__uint128_t)M * d0;                     \
    c0 = (uint64_t)(product >> 64) ^ key ^ c1;                   \
    c1 = (uint64_t)product;                                      \
    d0 = (uint64_t)(other >> 64) ^ key ^ d1;                     \
    d1 = (uint64_t)other;                                        \
    key += W;                                                    \
  } while (0)

static inline void cccm_philox_block_pair(uint64_t key, uint64_t c0, uint64_t c1, uint64_t d0, uint64_t d1,
                                          uint64_t out[2], uint64_t *other) {
  const uint64_t M = 0xD2B74407B1CE6E93ULL;
  const uint64_t W = 0x9E3779B97F4A7C15ULL;
  CCCM_PHILOX_ROUND_PAIR; CCCM_PHILOX_ROUND_PAIR; CCCM_PHILOX_ROUND_PAIR; CCCM_PHILOX_ROUND_PAIR; CCCM_PHILOX_ROUND_PAIR;
  CCCM_PHILOX_ROUND_PAIR; CCCM_PHILOX_ROUND_PAIR; CCCM_PHILOX_ROUND_PAIR; CCCM_PHILOX_ROUND_PAIR; CCCM_PHILOX_ROUND_PAIR;
  out[0] = c0;
  out[1] = c1;
  *other = d0;
}

static void cccm_philox_set(void *vstate, unsigned long seed) {
  cccm_philox_state *s = (cccm_philox_state *)vstate;
  s->key = (uint64_t)seed;
  s->attribute = 0;
  s->counter = 0;
  s->used = 2;
}

static unsigned long cccm_philox_get(void *vstate) {
  return (unsigned long)cccm_philox_next((cccm_philox_state *)vstate);
}

static double cccm_philox_get_double(void *vstate) {
  // 53 random bits, in [0, 1).
  return (double)(cccm_philox_next((cccm_philox_state *)vstate) >> 11) * 0x1.0p-53;
}

/// The Philox2x64-10 generator as a GSL generator type.
static inline const gsl_rng_type *cccm_philox_type(void) {
  static const gsl_rng_type type = {
    "philox", 0xFFFFFFFFFFFFFFFFUL, 0, sizeof(cccm_philox_state),
    &cccm_philox_set, &cccm_philox_get, &cccm_philox_get_double};
  return &type;
}

/// Points a Philox generator at the stream (key, attribute), draw 0. Cheap: no state to warm up.
static inline void cccm_philox_select(gsl_rng *r, uint64_t key, uint64_t attribute) {
  cccm_philox_state *s = (cccm_philox_state *)r->state;
  s->key = key;
  s->attribute = attribute;
  s->counter = 0;
  s->used = 2;
}

/// Points a Philox generator at the stream (key, attribute) as `cccm_philox_select` does, and
/// returns the first uniform draw of stream (key, once), a stream drawn once: the first blocks of
/// both are computed side by side (`cccm_philox_block_pair`), the first kept for the draws to come.
static inline double cccm_philox_select_drawing(gsl_rng *r, uint64_t key, uint64_t attribute, uint64_t once) {
  cccm_philox_state *s = (cccm_philox_state *)r->state;
  uint64_t drawn;
  cccm_philox_block_pair(key, 0, attribute, 0, once, s->block, &drawn);
  s->key = key;
  s->attribute = attribute;
  s->counter = 1;
  s->used = 0;
  return (double)(drawn >> 11) * 0x1.0p-53;
}

/// A uniform draw in [0, 1) from a Philox generator: what `gsl_rng_uniform` returns, without its
/// call through the generator type's function pointer (the engine's own draws are inlined).
static inline double cccm_philox_uniform(gsl_rng *r) {
  return (double)(cccm_philox_next((cccm_philox_state *)r->state) >> 11) * 0x1.0p-53;
}

/// An exponential draw with mean `mu` from a Philox generator: `gsl_ran_exponential`'s formula
/// (-mu log1p(-u), u from `gsl_rng_uniform`), with the uniform drawn inline.
static inline double cccm_philox_exponential(gsl_rng *r, double mu) {
  double u = cccm_philox_uniform(r);
  return -mu * log1p(-u);
}

/// GSL's generator type of that name (`mt19937`, `taus2`, `ranlxd2`, ...), or NULL.
static inline const gsl_rng_type *cccm_rng_type_named(const char *name) {
  const gsl_rng_type **t = gsl_rng_types_setup();
  for (; *t != NULL; t++) {
    if (strcmp((*t)->name, name) == 0) return *t;
  }
  return NULL;
}

/// GSL's Nelder-Mead simplex minimiser type (a mutable global that Swift 6 refuses to read).
static inline const gsl_multimin_fminimizer_type *cccm_nmsimplex2_type(void) {
  return gsl_multimin_fminimizer_nmsimplex2;
}
/// GSL's quasi-random Sobol sequence type (a mutable global Swift 6 cannot read).
static inline const gsl_qrng_type *cccm_qrng_sobol_type(void) { return gsl_qrng_sobol; }

/// Turns GSL's default error handler (which aborts) off: cccm validates parameters before sampling.
static inline void cccm_gsl_quiet(void) { gsl_set_error_handler_off(); }

#endif
