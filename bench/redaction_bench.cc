// RedactText throughput (MB/s per core) on the labelled synthetic corpus, as a ratio of a
// plain single-pattern RE2 scan of the same bytes measured in the same run; and pseudonyms
// per second as a ratio of one-shot HMAC-SHA256 (libs/common) in the same run.
//
// Every phase runs on one thread for at least --seconds, so "per core" is what one thread
// does; thread CPU time is reported beside wall time to show the thread was not starved. A
// last phase runs RedactText on --threads threads to show it scales (it shares nothing
// mutable). Machines running this are noisy: the ratios matter, not the absolute numbers.
#include <time.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libs/common/crypto.h"
#include "libs/privacy/detectors.h"
#include "libs/privacy/pseudonymizer.h"
#include "libs/privacy/redact.h"
#include "libs/privacy/testing/synthetic_corpus.h"
#include "re2/re2.h"

ABSL_FLAG(int, documents, 2000, "Synthetic documents in the corpus");
ABSL_FLAG(int, seed, 20240601, "Corpus seed");
ABSL_FLAG(double, seconds, 2.0, "Minimum duration of each timed phase");
ABSL_FLAG(int, threads, 2, "Threads in the scaling phase");

namespace {

using bridging::privacy::testing::LabelledDocument;

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Rate {
  double units_per_second = 0;  // per wall second
  double cpu_share = 0;         // thread CPU seconds / wall seconds
};

// Runs `pass` (which processes `units` units) until --seconds have passed.
template <typename Pass>
Rate Measure(double units, Pass&& pass) {
  pass();  // warm-up: dictionaries, RE2 DFA caches, libphonenumber metadata
  const absl::Duration minimum = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  const absl::Time start = absl::Now();
  const double cpu_start = ThreadCpuSeconds();
  int passes = 0;
  while (absl::Now() - start < minimum) {
    pass();
    ++passes;
  }
  const double wall = absl::ToDoubleSeconds(absl::Now() - start);
  return {units * passes / wall, (ThreadCpuSeconds() - cpu_start) / wall};
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  namespace privacy = bridging::privacy;
  const auto corpus =
      privacy::testing::GenerateCorpus(absl::GetFlag(FLAGS_documents), absl::GetFlag(FLAGS_seed));
  double bytes = 0;
  for (const LabelledDocument& doc : corpus) bytes += static_cast<double>(doc.text.size());
  const double mb = bytes / 1e6;
  std::printf("corpus: %zu documents, %.2f MB (seed %d)\n\n", corpus.size(), mb,
              absl::GetFlag(FLAGS_seed));

  // Baseline: one RE2 pattern (the email shape) over the same documents.
  RE2::Options options;
  options.set_never_capture(true);
  const RE2 email("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}", options);
  size_t sink = 0;
  const Rate baseline = Measure(mb, [&] {
    for (const LabelledDocument& doc : corpus) {
      re2::StringPiece input(doc.text);
      re2::StringPiece match;
      size_t pos = 0;
      while (pos < input.size() &&
             email.Match(input, pos, input.size(), RE2::UNANCHORED, &match, 1)) {
        ++sink;
        pos = static_cast<size_t>(match.data() + match.size() - input.data());
        if (match.empty()) ++pos;
      }
    }
  });

  const Rate redact = Measure(mb, [&] {
    for (const LabelledDocument& doc : corpus)
      sink += privacy::RedactText(doc.text)->findings.size();
  });

  // Where the time goes: each stage alone.
  std::vector<privacy::internal::Candidate> scratch;
  const Rate structured = Measure(mb, [&] {
    for (const LabelledDocument& doc : corpus) {
      scratch.clear();
      privacy::internal::FindStructured(doc.text, &scratch);
      sink += scratch.size();
    }
  });
  const Rate phones = Measure(mb, [&] {
    for (const LabelledDocument& doc : corpus) {
      scratch.clear();
      privacy::internal::FindPhones(doc.text, &scratch);
      sink += scratch.size();
    }
  });
  const std::vector<privacy::internal::Candidate> none;
  const Rate names = Measure(mb, [&] {
    for (const LabelledDocument& doc : corpus) {
      scratch.clear();
      privacy::internal::FindNames(doc.text, none, &scratch);
      sink += scratch.size();
    }
  });

  // All threads redacting the corpus at once.
  const int threads = absl::GetFlag(FLAGS_threads);
  std::atomic<int64_t> redacted_bytes{0};
  const absl::Time parallel_start = absl::Now();
  {
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&] {
        const absl::Time start = absl::Now();
        while (absl::Now() - start < absl::Seconds(absl::GetFlag(FLAGS_seconds))) {
          for (const LabelledDocument& doc : corpus) {
            if (privacy::RedactText(doc.text).ok()) {
              redacted_bytes += static_cast<int64_t>(doc.text.size());
            }
          }
        }
      });
    }
    for (auto& w : workers) w.join();
  }
  const double parallel_mbps = static_cast<double>(redacted_bytes.load()) / 1e6 /
                               absl::ToDoubleSeconds(absl::Now() - parallel_start);

  // Pseudonyms: EVP_MAC with the key set up once vs one-shot HMAC() per identifier.
  const std::string key(32, 'k');
  privacy::Pseudonymizer pseudonymizer(
      *privacy::KeyRing::Parse(absl::StrCat("k1:", absl::Base64Escape(key))));
  std::vector<std::string> ids;
  for (int i = 0; i < 10000; ++i)
    ids.push_back(absl::StrCat("charities/sunflower/participants/", i));
  const Rate hmac = Measure(static_cast<double>(ids.size()), [&] {
    for (const std::string& id : ids) {
      sink += bridging::HmacSha256Hex(key, absl::StrCat("participant", std::string(1, '\0'), id))
                  .size();
    }
  });
  const Rate pseudonyms = Measure(static_cast<double>(ids.size()), [&] {
    for (const std::string& id : ids)
      sink += pseudonymizer.Pseudonymize("participant", id)->value.size();
  });

  std::printf("%-44s %12s %10s %10s\n", "phase (one thread unless said)", "rate", "cpu/wall",
              "vs base");
  auto row = [](const char* name, const Rate& r, const char* unit, double base) {
    std::printf("%-44s %9.2f %-3s %9.2f %10.3f\n", name, r.units_per_second, unit, r.cpu_share,
                r.units_per_second / base);
  };
  row("baseline: single-pattern RE2 scan (email)", baseline, "MB/s", baseline.units_per_second);
  row("RedactText (every detector)", redact, "MB/s", baseline.units_per_second);
  row("  patterns: RE2 structured detectors", structured, "MB/s", baseline.units_per_second);
  row("  phones: libphonenumber on digit clusters", phones, "MB/s", baseline.units_per_second);
  row("  names: dictionary + context", names, "MB/s", baseline.units_per_second);
  std::printf("%-44s %9.2f MB/s %9s %10.3f\n",
              absl::StrCat("RedactText on ", threads, " threads (total)").c_str(), parallel_mbps,
              "", parallel_mbps / baseline.units_per_second);
  std::printf("\n");
  row("baseline: one-shot HMAC-SHA256 (libs/common)", hmac, "/s", hmac.units_per_second);
  row("Pseudonymize (EVP_MAC, key set up once)", pseudonyms, "/s", hmac.units_per_second);
  std::printf(
      "\nRedactText runs at %.1f%% of a single-pattern scan (%.1fx slower), %.2f MB/s per "
      "core; %.0f pseudonyms/s per core (%.2fx one-shot HMAC).\n",
      100 * redact.units_per_second / baseline.units_per_second,
      baseline.units_per_second / redact.units_per_second, redact.units_per_second,
      pseudonyms.units_per_second, pseudonyms.units_per_second / hmac.units_per_second);
  std::printf("RATIO redact_vs_single_regex=%.3f redact_threads_vs_single_regex=%.3f "
              "pseudonymize_vs_hmac=%.2f\n",
              redact.units_per_second / baseline.units_per_second,
              parallel_mbps / baseline.units_per_second,
              pseudonyms.units_per_second / hmac.units_per_second);
  return sink == 42 ? 1 : 0;  // keeps the work from being optimised away
}
