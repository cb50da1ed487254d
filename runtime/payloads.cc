#include "runtime/payloads.h"

namespace endure::runtime {

temporal::api::common::v1::Payload ToPayload(const Json& value) {
  temporal::api::common::v1::Payload payload;
  if (value.is_null()) {
    (*payload.mutable_metadata())["encoding"] = "binary/null";
    return payload;
  }
  (*payload.mutable_metadata())["encoding"] = "json/plain";
  payload.set_data(value.dump());
  return payload;
}

Result<Json> FromPayload(const temporal::api::common::v1::Payload& payload) {
  const auto encoding = payload.metadata().find("encoding");
  if (encoding == payload.metadata().end()) {
    return InvalidArgument("payload has no encoding");
  }
  if (encoding->second == "binary/null") return Json(nullptr);
  if (encoding->second != "json/plain") {
    return InvalidArgument("payload encoding '" + encoding->second +
                           "' is not json/plain or binary/null");
  }
  Json value = Json::parse(payload.data(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return InvalidArgument("json/plain payload is not JSON");
  return value;
}

temporal::api::common::v1::Payloads ToPayloads(const Json& value) {
  temporal::api::common::v1::Payloads payloads;
  *payloads.add_payloads() = ToPayload(value);
  return payloads;
}

Result<Json> FromPayloads(const temporal::api::common::v1::Payloads& payloads) {
  if (payloads.payloads_size() == 0) return Json(nullptr);
  if (payloads.payloads_size() == 1) return FromPayload(payloads.payloads(0));
  Json values = Json::array();
  for (const auto& p : payloads.payloads()) {
    ENDURE_ASSIGN_OR_RETURN(Json v, FromPayload(p));
    values.push_back(std::move(v));
  }
  return values;
}

}  // namespace endure::runtime
