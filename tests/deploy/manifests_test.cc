// No container engine or cluster runs here, so the deploy files are checked for what can be checked without
// one: they parse, they agree with each other (ports, paths, names, labels), and the configuration and
// rules they ship load in backlint itself.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "backlint/app/app_config.h"
#include "backlint/app/config_check.h"
#include "backlint/score/rule_set.h"

namespace backlint {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

const fs::path kSource = BACKLINT_SOURCE_DIR;
const fs::path kDeploy = kSource / "deploy";

std::string ReadFile(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  EXPECT_TRUE(file) << "cannot read " << path;
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// Standard output of `command`, which must exit 0.
std::string RunCommand(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "";
  std::string output;
  std::array<char, 4096> buffer{};
  for (std::size_t n; (n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0;) output.append(buffer.data(), n);
  const int status = pclose(pipe);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << command << " failed";
  return output;
}

// The Kubernetes objects of deploy/kubernetes/*.yaml (the kustomization aside), by kind.
std::map<std::string, YAML::Node> KubernetesObjects() {
  std::map<std::string, YAML::Node> objects;
  for (const auto& entry : fs::directory_iterator(kDeploy / "kubernetes")) {
    if (entry.path().extension() != ".yaml" || entry.path().filename() == "kustomization.yaml") continue;
    for (const YAML::Node& object : YAML::LoadAllFromFile(entry.path().string())) {
      const std::string kind = object["kind"].as<std::string>();
      EXPECT_FALSE(objects.count(kind)) << "two objects of kind " << kind;
      objects[kind] = object;
    }
  }
  return objects;
}

// True when every label of `selector` is on `labels` with the same value.
bool Selects(const YAML::Node& selector, const YAML::Node& labels) {
  for (const auto& label : selector) {
    const YAML::Node value = labels[label.first.as<std::string>()];
    if (!value || value.as<std::string>() != label.second.as<std::string>()) return false;
  }
  return selector.size() > 0;
}

TEST(ManifestsTest, EveryYamlFileUnderDeployParses) {
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(kDeploy)) {
    const std::string extension = entry.path().extension().string();
    if (extension != ".yaml" && extension != ".yml") continue;
    ++files;
    EXPECT_NO_THROW(YAML::LoadAllFromFile(entry.path().string())) << entry.path();
  }
  EXPECT_GE(files, 10);
}

class KubernetesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    objects_ = KubernetesObjects();
    for (const char* kind : {"ConfigMap", "Deployment", "Service", "PodMonitor"}) {
      ASSERT_TRUE(objects_.count(kind)) << "no " << kind << " in deploy/kubernetes";
    }
    pod_ = objects_["Deployment"]["spec"]["template"];
    container_ = pod_["spec"]["containers"][0];
  }

  // The ConfigMap's backlint.yaml, loaded by backlint's own configuration loader.
  Result<AppConfig> ShippedConfig() const {
    const fs::path path = fs::path(::testing::TempDir()) / "k8s-backlint.yaml";
    std::ofstream(path) << objects_.at("ConfigMap")["data"]["backlint.yaml"].as<std::string>();
    return LoadAppConfig(path.string());
  }

  // The path a volume named `volume` is mounted at.
  std::string MountPath(const std::string& volume) const {
    for (const YAML::Node& mount : container_["volumeMounts"]) {
      if (mount["name"].as<std::string>() == volume) return mount["mountPath"].as<std::string>();
    }
    return "";
  }

  // The ConfigMap a volume named `volume` comes from.
  std::string VolumeConfigMap(const std::string& volume) const {
    for (const YAML::Node& entry : pod_["spec"]["volumes"]) {
      if (entry["name"].as<std::string>() == volume) return entry["configMap"]["name"].as<std::string>();
    }
    return "";
  }

  std::map<std::string, YAML::Node> objects_;
  YAML::Node pod_;
  YAML::Node container_;
};

TEST_F(KubernetesTest, ShippedConfigurationLoadsAndListensOnTheContainerPort) {
  auto config = ShippedConfig();
  ASSERT_TRUE(config.ok()) << config.failure().reason;
  const std::string listen = config.value().metrics_listen;
  const std::string port = listen.substr(listen.rfind(':') + 1);
  ASSERT_EQ(container_["ports"][0]["name"].as<std::string>(), "metrics");
  EXPECT_EQ(container_["ports"][0]["containerPort"].as<std::string>(), port);
}

TEST_F(KubernetesTest, ProbesUseHealthzAndReadyzOnTheMetricsPort) {
  EXPECT_EQ(container_["livenessProbe"]["httpGet"]["path"].as<std::string>(), "/healthz");
  EXPECT_EQ(container_["livenessProbe"]["httpGet"]["port"].as<std::string>(), "metrics");
  EXPECT_EQ(container_["readinessProbe"]["httpGet"]["path"].as<std::string>(), "/readyz");
  EXPECT_EQ(container_["readinessProbe"]["httpGet"]["port"].as<std::string>(), "metrics");
}

TEST_F(KubernetesTest, ContainerHasResourceRequestsAndAMemoryLimit) {
  EXPECT_TRUE(container_["resources"]["requests"]["cpu"]);
  EXPECT_TRUE(container_["resources"]["requests"]["memory"]);
  EXPECT_TRUE(container_["resources"]["limits"]["memory"]);
}

TEST_F(KubernetesTest, ConfigAndRulesAreMountedWhereTheConfigurationLooksForThem) {
  auto config = ShippedConfig();
  ASSERT_TRUE(config.ok()) << config.failure().reason;
  EXPECT_EQ(VolumeConfigMap("config"), objects_["ConfigMap"]["metadata"]["name"].as<std::string>());
  const std::vector<std::string> args = container_["args"].as<std::vector<std::string>>();
  EXPECT_THAT(args, Contains(MountPath("config")));
  EXPECT_EQ(VolumeConfigMap("rules"), "backlint-rules");
  EXPECT_EQ(fs::path(config.value().rules_path).parent_path(), fs::path(MountPath("rules")));
  EXPECT_EQ(fs::path(config.value().rules_path).filename(), "rules.yaml");
}

TEST_F(KubernetesTest, SecretsComeFromASecretAndNeverFromTheConfigMap) {
  auto config = ShippedConfig();
  ASSERT_TRUE(config.ok()) << config.failure().reason;
  for (const KafkaProperties* properties :
       {&config.value().publish.consumer_properties, &config.value().publish.producer_properties}) {
    for (const auto& [name, value] : *properties) EXPECT_FALSE(IsSecretProperty(name)) << name << " in the ConfigMap";
  }
  int secret_variables = 0;
  for (const YAML::Node& variable : container_["env"]) {
    std::string property = variable["name"].as<std::string>();
    if (!property.starts_with("BACKLINT_KAFKA_")) continue;
    property = property.substr(std::string("BACKLINT_KAFKA_").size());
    for (char& c : property) c = c == '_' ? '.' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!IsSecretProperty(property)) continue;
    ++secret_variables;
    EXPECT_FALSE(variable["value"]) << property << " has a literal value";
    EXPECT_TRUE(variable["valueFrom"]["secretKeyRef"]["name"]) << property << " is not from a Secret";
  }
  EXPECT_GT(secret_variables, 0);
}

TEST_F(KubernetesTest, ServiceAndPodMonitorSelectTheDeploymentsPodsAndScrapeAsJobBacklint) {
  const YAML::Node pod_labels = pod_["metadata"]["labels"];
  EXPECT_TRUE(Selects(objects_["Deployment"]["spec"]["selector"]["matchLabels"], pod_labels));
  EXPECT_TRUE(Selects(objects_["Service"]["spec"]["selector"], pod_labels));
  EXPECT_EQ(objects_["Service"]["spec"]["ports"][0]["targetPort"].as<std::string>(), "metrics");
  const YAML::Node monitor = objects_["PodMonitor"]["spec"];
  EXPECT_TRUE(Selects(monitor["selector"]["matchLabels"], pod_labels));
  EXPECT_EQ(monitor["podMetricsEndpoints"][0]["port"].as<std::string>(), "metrics");
  EXPECT_EQ(monitor["podMetricsEndpoints"][0]["path"].as<std::string>(), "/metrics");
  // deploy/prometheus/alerts.yml expects job="backlint"; the operator takes the job from this pod label.
  EXPECT_EQ(pod_labels[monitor["jobLabel"].as<std::string>()].as<std::string>(), "backlint");
}

TEST_F(KubernetesTest, KustomizationListsExistingFilesAndEveryObjectFile) {
  const YAML::Node kustomization = YAML::LoadFile((kDeploy / "kubernetes" / "kustomization.yaml").string());
  std::vector<std::string> resources;
  for (const YAML::Node& resource : kustomization["resources"]) {
    resources.push_back(resource.as<std::string>());
    EXPECT_TRUE(fs::exists(kDeploy / "kubernetes" / resources.back())) << resources.back();
  }
  EXPECT_EQ(resources.size(), objects_.size());
}

TEST(RulesConfigMapTest, GeneratedConfigMapCarriesTheRuleFileByteForByte) {
  const fs::path script = kDeploy / "kubernetes" / "rules-configmap.sh";
  const YAML::Node map = YAML::Load(RunCommand("bash '" + script.string() + "'"));
  EXPECT_EQ(map["kind"].as<std::string>(), "ConfigMap");
  EXPECT_EQ(map["metadata"]["name"].as<std::string>(), "backlint-rules");
  const std::string rules = map["data"]["rules.yaml"].as<std::string>();
  EXPECT_EQ(rules, ReadFile(kSource / "rules" / "default.yaml"));
  auto parsed = RuleSet::Parse(rules, "rules.yaml");
  EXPECT_TRUE(parsed.ok()) << parsed.failure().reason;
}

TEST(RulesConfigMapTest, GeneratesTheRuleFileItIsGiven) {
  const fs::path custom = fs::path(::testing::TempDir()) / "custom-rules.yaml";
  const std::string text = "name: site\n\nrules: []\n";
  std::ofstream(custom) << text;
  const fs::path script = kDeploy / "kubernetes" / "rules-configmap.sh";
  const YAML::Node map = YAML::Load(RunCommand("bash '" + script.string() + "' '" + custom.string() + "'"));
  EXPECT_EQ(map["data"]["rules.yaml"].as<std::string>(), text);
}

class ComposeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    compose_ = YAML::LoadFile((kDeploy / "compose" / "compose.yaml").string());
    services_ = compose_["services"];
  }
  YAML::Node compose_;
  YAML::Node services_;
};

TEST_F(ComposeTest, StartsKafkaInKraftModeBacklintPrometheusAndGrafana) {
  for (const char* service : {"kafka", "backlint", "prometheus", "grafana"}) {
    EXPECT_TRUE(services_[service]) << "no service " << service;
  }
  const YAML::Node kafka = services_["kafka"]["environment"];
  EXPECT_THAT(kafka["KAFKA_PROCESS_ROLES"].as<std::string>(), HasSubstr("controller"));
  EXPECT_FALSE(kafka["KAFKA_ZOOKEEPER_CONNECT"]);
  EXPECT_THAT(kafka["KAFKA_ADVERTISED_LISTENERS"].as<std::string>(), HasSubstr("kafka:9092"));
  const std::vector<std::string> command = services_["backlint"]["command"].as<std::vector<std::string>>();
  EXPECT_THAT(command, Contains("kafka:9092"));
}

TEST_F(ComposeTest, BuildContextDockerfileAndMountedFilesExist) {
  const fs::path here = kDeploy / "compose";
  const YAML::Node build = services_["backlint"]["build"];
  const fs::path context = here / build["context"].as<std::string>();
  EXPECT_TRUE(fs::exists(context / build["dockerfile"].as<std::string>()));
  int mounts = 0;
  for (const auto& service : services_) {
    for (const YAML::Node& volume : service.second["volumes"]) {
      const std::string spec = volume.as<std::string>();
      const fs::path host = here / spec.substr(0, spec.find(':'));
      EXPECT_TRUE(fs::exists(host)) << service.first.as<std::string>() << " mounts missing " << host;
      ++mounts;
    }
  }
  EXPECT_GE(mounts, 4);
}

TEST(PrometheusConfigTest, ScrapesBacklintAsJobBacklintAndLoadsTheAlertRules) {
  const fs::path dir = kDeploy / "prometheus";
  const YAML::Node config = YAML::LoadFile((dir / "prometheus.yml").string());
  std::vector<std::string> jobs;
  for (const YAML::Node& scrape : config["scrape_configs"]) jobs.push_back(scrape["job_name"].as<std::string>());
  EXPECT_THAT(jobs, Contains("backlint"));
  std::vector<std::string> rule_files;
  for (const YAML::Node& file : config["rule_files"]) {
    rule_files.push_back(file.as<std::string>());
    EXPECT_TRUE(fs::exists(dir / rule_files.back())) << rule_files.back();
  }
  EXPECT_THAT(rule_files, Contains("alerts.yml"));
}

TEST(DockerfileTest, MultiStageOnDebianTrixieCopyingOnlyFilesThatExist) {
  const std::string dockerfile = ReadFile(kDeploy / "docker" / "Dockerfile");
  std::vector<std::string> bases;
  const std::regex from("^FROM (\\S+)", std::regex::multiline);
  for (auto match = std::sregex_iterator(dockerfile.begin(), dockerfile.end(), from);
       match != std::sregex_iterator(); ++match) {
    bases.push_back((*match)[1]);
  }
  ASSERT_GE(bases.size(), 2u);
  EXPECT_EQ(bases.back(), "debian:trixie");
  const std::regex copy("^COPY (\\S+) \\S+$", std::regex::multiline);
  for (auto match = std::sregex_iterator(dockerfile.begin(), dockerfile.end(), copy);
       match != std::sregex_iterator(); ++match) {
    const std::string source = (*match)[1];
    if (source == ".") continue;
    EXPECT_TRUE(fs::exists(kSource / source)) << "COPY of missing " << source;
  }
  EXPECT_THAT(dockerfile, Not(HasSubstr("COPY .deps")));
}

}  // namespace
}  // namespace backlint
