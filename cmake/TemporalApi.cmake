# Temporal's API types (temporal.api.*) as one static library, `temporal_api`.
#
# The .proto files come from the pinned npm package (see fetch_temporal_protos.sh) and are
# unpacked into the build tree at configure time, once per build tree. Generated code lives only
# in the build tree. Two packages are C++ keywords (`temporal.api.namespace.v1`,
# `temporal.api.export.v1`); their C++ namespaces are renamed to `namespace_` and `export_`
# after generation. Wire names, and so compatibility, are unchanged.

set(TEMPORAL_PROTO_DIR ${CMAKE_BINARY_DIR}/temporal_protos)
set(TEMPORAL_GEN_DIR ${CMAKE_BINARY_DIR}/temporal_gen)

if(NOT EXISTS ${TEMPORAL_PROTO_DIR}/.stamp)
  execute_process(
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/fetch_temporal_protos.sh ${TEMPORAL_PROTO_DIR}
    RESULT_VARIABLE fetch_result)
  if(NOT fetch_result EQUAL 0)
    message(FATAL_ERROR "could not fetch Temporal's API protos (see the message above)")
  endif()
endif()

file(GLOB_RECURSE temporal_proto_files RELATIVE ${TEMPORAL_PROTO_DIR}
     ${TEMPORAL_PROTO_DIR}/*.proto)
list(SORT temporal_proto_files)

# Only the two service definitions need gRPC stubs.
set(temporal_grpc_protos
    temporal/api/workflowservice/v1/service.proto
    temporal/api/operatorservice/v1/service.proto)

set(temporal_sources)
set(temporal_headers)
foreach(proto ${temporal_proto_files})
  string(REGEX REPLACE "\\.proto$" "" stem ${proto})
  list(APPEND temporal_sources ${TEMPORAL_GEN_DIR}/${stem}.pb.cc)
  list(APPEND temporal_headers ${TEMPORAL_GEN_DIR}/${stem}.pb.h)
endforeach()
foreach(proto ${temporal_grpc_protos})
  string(REGEX REPLACE "\\.proto$" "" stem ${proto})
  list(APPEND temporal_sources ${TEMPORAL_GEN_DIR}/${stem}.grpc.pb.cc)
  list(APPEND temporal_headers ${TEMPORAL_GEN_DIR}/${stem}.grpc.pb.h)
endforeach()

set(keyword_fix
    -e "s/^namespace namespace {/namespace namespace_ {/"
    -e "s/^namespace export {/namespace export_ {/"
    -e "s/::namespace::/::namespace_::/g"
    -e "s/::export::/::export_::/g")

add_custom_command(
  OUTPUT ${temporal_sources} ${temporal_headers}
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${TEMPORAL_GEN_DIR}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${TEMPORAL_GEN_DIR}
  COMMAND protobuf::protoc -I/usr/include -I${TEMPORAL_PROTO_DIR}
          --cpp_out=${TEMPORAL_GEN_DIR} ${temporal_proto_files}
  COMMAND protobuf::protoc -I/usr/include -I${TEMPORAL_PROTO_DIR}
          --grpc_out=${TEMPORAL_GEN_DIR}
          --plugin=protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>
          ${temporal_grpc_protos}
  COMMAND sed -i ${keyword_fix} ${temporal_sources} ${temporal_headers}
  WORKING_DIRECTORY ${TEMPORAL_PROTO_DIR}
  DEPENDS ${TEMPORAL_PROTO_DIR}/.stamp
  COMMENT "Generating C++ for Temporal's API protos"
  VERBATIM)

add_library(temporal_api STATIC ${temporal_sources})
target_include_directories(temporal_api SYSTEM PUBLIC ${TEMPORAL_GEN_DIR})
target_link_libraries(temporal_api PUBLIC protobuf::libprotobuf gRPC::grpc++)
# Generated code: no warnings of ours, no debug info (it doubles the build time for nothing),
# and flags that do not depend on the sanitizer preset so ccache shares the objects.
target_compile_options(temporal_api PRIVATE -w -g0)
