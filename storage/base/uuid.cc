#include "storage/base/uuid.h"

#include <cstdint>
#include <cstdio>

namespace endure {

namespace {

std::string Format(uint8_t b[16], uint8_t version) {
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | (version << 4));
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant.
  char text[37];
  std::snprintf(text, sizeof text,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return text;
}

}  // namespace

std::string NewUuid(Env* env) {
  uint8_t b[16];
  env->RandomBytes(b, sizeof b);
  return Format(b, 4);
}

std::string UuidFromBits(uint64_t high, uint64_t low) {
  uint8_t b[16];
  for (int i = 0; i < 8; ++i) {
    b[i] = static_cast<uint8_t>(high >> (8 * (7 - i)));
    b[8 + i] = static_cast<uint8_t>(low >> (8 * (7 - i)));
  }
  return Format(b, 4);
}

std::string NewTimeOrderedUuid(Env* env) {
  uint8_t b[16];
  env->RandomBytes(b, sizeof b);
  const auto ms = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(env->Now().time_since_epoch()).count());
  for (int i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>(ms >> (8 * (5 - i)));
  return Format(b, 7);
}

}  // namespace endure
