// backlint: finds the backlinks on crawled pages and scores them for paid, forced-keyword and spammy
// link schemes. The process shell: command line, signals, and the choice of mode.
#include <atomic>
#include <csignal>
#include <fstream>
#include <iostream>
#include <map>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "backlint/app/app_config.h"
#include "backlint/app/config_check.h"
#include "backlint/app/demo_mode.h"
#include "backlint/app/disavow_mode.h"
#include "backlint/app/output_path.h"
#include "backlint/app/reload_signal.h"
#include "backlint/pipeline/processor_setup.h"
#include "backlint/app/rules_test_mode.h"
#include "backlint/app/run_mode.h"
#include "backlint/app/score_mode.h"

extern char** environ;

namespace {

std::atomic<bool> stop_requested{false};

backlint::Environment ProcessEnvironment() {
  backlint::Environment variables;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto equals = text.find('=');
    if (equals != std::string_view::npos) variables.emplace_back(text.substr(0, equals), text.substr(equals + 1));
  }
  return variables;
}

void RequestStop(int) { stop_requested.store(true); }

int CheckRules(const std::string& path) {
  auto rules = backlint::LoadRules(path);
  if (!rules) {
    std::cerr << rules.failure().reason << "\n";
    return 1;
  }
  std::cout << path << ": ok (rule set '" << rules.value()->name() << "', hash " << rules.value()->hash() << ")\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGINT, RequestStop);
  std::signal(SIGTERM, RequestStop);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");

  CLI::App app{"backlint: finds the backlinks on crawled pages and scores them for paid, forced-keyword and "
               "spammy link schemes"};
  app.require_subcommand(1);

  std::string config_path;
  std::string rules_path;
  std::string metrics_listen;
  std::vector<std::string> kafka_properties;
  CLI::App* run = app.add_subcommand("run", "Consume crawled pages from Kafka, publish scored backlink events; "
                                            "SIGHUP or an edit of the rule file reloads it");
  run->add_option("-c,--config", config_path, "YAML configuration file (see README)")->check(CLI::ExistingFile);
  std::string brokers;
  run->add_option("-b,--brokers", brokers, "Kafka bootstrap servers (shorthand for -X bootstrap.servers=...)");
  run->add_option("-X,--kafka", kafka_properties,
                  "librdkafka property name=value for both clients (consumer.name=... or producer.name=... "
                  "for one); overrides the file");
  run->add_option("--rules", rules_path, "Rule file (default: the configuration's, else the built-in set)");
  run->add_option("--metrics-listen", metrics_listen, "host:port for /metrics (default 0.0.0.0:9464)");

  backlint::ScoreOptions score_options;
  CLI::App* score = app.add_subcommand("score", "Score CrawledPage JSON lines (files or stdin) or WARC files; "
                                                "BacklinkEvent JSON lines on stdout");
  score->add_option("inputs", score_options.inputs,
                    "Input files of CrawledPage JSON lines or WARC ('-' or none: stdin, JSON lines)");
  score->add_option("--input-format", score_options.input_format,
                    "auto (by name: .warc and .warc.gz are WARC), jsonl or warc")
      ->transform(CLI::CheckedTransformer(std::map<std::string, backlint::ScoreInputFormat>{
          {"auto", backlint::ScoreInputFormat::kAuto},
          {"jsonl", backlint::ScoreInputFormat::kJsonLines},
          {"warc", backlint::ScoreInputFormat::kWarc}}))
      ->option_text("{auto,jsonl,warc}=auto");  // the transformer's own text shows the enum's numbers
  score->add_option("--progress-interval", score_options.progress_interval,
                    "Seconds between progress lines on stderr")
      ->capture_default_str();
  score->add_option("--rules", score_options.rules_path, "Rule file (default: the built-in set)");
  score->add_option("--dead-letters", score_options.dead_letter_path,
                    "Write rejected inputs with their reasons as JSON lines to this file");
  // Repeatable options take one value each: otherwise `--watch-domain d crawl.jsonl` read the file name as a
  // second domain, and stdin as the input.
  score->add_option("--watch-domain", score_options.extract.watch_domains,
                    "Report unlinked mentions of this domain (repeatable)")
      ->allow_extra_args(false);
  score->add_option("--watch-brand", score_options.extract.watch_brands,
                    "Report unlinked mentions of this brand name (repeatable)")
      ->allow_extra_args(false);
  score->add_flag("--only-watched", score_options.extract.only_watched,
                  "With a watch list, score only backlinks to watched sites");

  backlint::DemoOptions demo_options;
  CLI::App* demo = app.add_subcommand("demo", "Run the real pipeline on an in-process Kafka cluster with "
                                              "bundled sample pages and print a summary");
  demo->add_option("--rules", demo_options.rules_path, "Rule file (default: the built-in set)");
  demo->add_option("--metrics-listen", demo_options.metrics_listen, "host:port for /metrics (port 0: any free)")
      ->capture_default_str();
  demo->add_flag("--hold", demo_options.hold, "Keep serving /metrics after the summary until Ctrl-C");

  CLI::App* rules = app.add_subcommand("rules", "Work with rule files");
  rules->require_subcommand(1);
  std::string check_path;
  CLI::App* rules_check = rules->add_subcommand("check", "Validate a rule file");
  rules_check->add_option("file", check_path, "Rule file")->required();
  std::vector<std::string> test_paths;
  CLI::App* rules_test = rules->add_subcommand(
      "test", "Run rule unit tests: pages with the flags, verdicts and scores their backlinks must get "
              "(format: rules/README.md). Exit 0: all pass, 1: failures, 2: a bad test or rule file");
  rules_test->add_option("testfiles", test_paths, "Test files (YAML)")->required();

  backlint::DisavowOptions disavow_options;
  std::string disavow_output;
  CLI::App* disavow = app.add_subcommand(
      "disavow", "Turn scored BacklinkEvent JSON lines (what `score` prints; files or stdin) into a disavow file "
                 "in Google's format for the pages and sites that link to you");
  disavow->add_option("inputs", disavow_options.inputs, "BacklinkEvent JSON lines files ('-' or none: stdin)");
  disavow->add_option("-o,--output", disavow_output, "Write the disavow file here (default: stdout)");
  disavow->add_option("--url-verdict", disavow_options.url_verdict,
                      "A page gets a URL line when one of its links has this verdict or worse")
      ->check(CLI::IsMember({"toxic", "suspicious"}))
      ->capture_default_str();
  disavow->add_option("--max-score", disavow_options.max_score,
                      "... and a quality score of at most this (0-100)")
      ->check(CLI::Range(0, 100))
      ->capture_default_str();
  disavow->add_option("--domain-min-toxic", disavow_options.domain_min_toxic,
                      "A site with at least this many toxic links gets one domain: line instead (0: never)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  disavow->add_option("--target", disavow_options.targets,
                      "Only links to this site, your own (registrable domain or host; repeatable)")
      ->allow_extra_args(false);

  CLI::App* config_command = app.add_subcommand("config", "Work with configuration files");
  config_command->require_subcommand(1);
  std::string config_check_path;
  CLI::App* config_check = config_command->add_subcommand(
      "check", "Validate a configuration file (with BACKLINT_* variables) and print the effective "
               "configuration, secrets masked");
  config_check->add_option("file", config_check_path, "YAML configuration file")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // CLI11's own codes (105 for a bad value, 106 for a missing argument, ...) would contradict the
    // documented 2 for a bad command line; --help stays 0.
    return app.exit(error) == 0 ? 0 : 2;
  }

  if (*run) {
    // The file, then BACKLINT_* environment variables, then run's defaults, then the flags below.
    auto config = backlint::LoadAppConfig(config_path, ProcessEnvironment());
    if (!config) {
      std::cerr << config.failure().reason << "\n";
      return 2;
    }
    backlint::ApplyRunDefaults(config.value());
    if (!brokers.empty()) kafka_properties.insert(kafka_properties.begin(), "bootstrap.servers=" + brokers);
    for (const std::string& property : kafka_properties) {
      auto applied = backlint::ApplyKafkaProperty(config.value(), property);
      if (!applied) {
        std::cerr << applied.failure().reason << "\n";
        return 2;
      }
    }
    if (!rules_path.empty()) config.value().rules_path = rules_path;
    if (!metrics_listen.empty()) config.value().metrics_listen = metrics_listen;
    backlint::InstallReloadSignal();
    return backlint::RunKafka(config.value(), stop_requested);
  }
  if (*score) return backlint::RunScore(score_options, std::cin, std::cout, std::cerr);
  if (*demo) return backlint::RunDemo(demo_options, stop_requested, std::cout);
  if (*rules_check) return CheckRules(check_path);
  if (*rules_test) return backlint::RunRuleTests(test_paths, std::cout, std::cerr);
  if (*disavow) {
    if (disavow_output.empty()) return backlint::RunDisavow(disavow_options, std::cin, std::cout, std::cerr);
    if (const auto input = backlint::InputSameAs(disavow_output, disavow_options.inputs)) {
      std::cerr << "backlint disavow: -o names the input '" << *input << "', which it would empty unread\n";
      return 2;
    }
    std::ofstream file(disavow_output, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << "backlint disavow: cannot write '" << disavow_output << "'\n";
      return 1;
    }
    return backlint::RunDisavow(disavow_options, std::cin, file, std::cerr);
  }
  if (*config_check) return backlint::CheckConfig(config_check_path, ProcessEnvironment(), std::cout, std::cerr);
  return 2;
}
