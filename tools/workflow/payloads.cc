#include "tools/workflow/payloads.h"

#include <nlohmann/json.hpp>

namespace endure::tools {
namespace {

Result<cpv1::Payload> JsonPayload(const std::string& text, const std::string& flag) {
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    return InvalidArgument(flag + ": '" + text + "' is not JSON (quote strings: '\"text\"')");
  }
  cpv1::Payload payload;
  (*payload.mutable_metadata())["encoding"] = "json/plain";
  payload.set_data(value.dump());
  return payload;
}

}  // namespace

Result<cpv1::Payloads> PayloadsFromJson(const std::vector<std::string>& values,
                                        const std::string& flag) {
  cpv1::Payloads payloads;
  for (const std::string& value : values) {
    ENDURE_ASSIGN_OR_RETURN(*payloads.add_payloads(), JsonPayload(value, flag));
  }
  return payloads;
}

Result<std::map<std::string, cpv1::Payload>> NamedPayloads(const std::vector<std::string>& pairs,
                                                           const std::string& flag) {
  std::map<std::string, cpv1::Payload> named;
  for (const std::string& pair : pairs) {
    const size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) {
      return InvalidArgument(flag + ": '" + pair + "' is not KEY=JSON");
    }
    ENDURE_ASSIGN_OR_RETURN(named[pair.substr(0, eq)], JsonPayload(pair.substr(eq + 1), flag));
  }
  return named;
}

std::string PayloadText(const cpv1::Payload& payload) {
  auto encoding = payload.metadata().find("encoding");
  const std::string kind = encoding == payload.metadata().end() ? "" : encoding->second;
  if (kind == "json/plain") return payload.data();
  if (kind == "binary/null") return "null";
  return "<" + (kind.empty() ? std::string("unknown encoding") : kind) + ", " +
         std::to_string(payload.data().size()) + " bytes>";
}

std::string PayloadsText(const cpv1::Payloads& payloads) {
  if (payloads.payloads_size() == 1) return PayloadText(payloads.payloads(0));
  std::string out = "[";
  for (int i = 0; i < payloads.payloads_size(); ++i) {
    out += (i ? ", " : "") + PayloadText(payloads.payloads(i));
  }
  return out + "]";
}

}  // namespace endure::tools
