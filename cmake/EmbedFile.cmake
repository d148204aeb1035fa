# backlint_embed(<target> <file> <symbol>): compiles a file's bytes into <target> as
# `extern const std::string_view <symbol>`, so the binary carries its default rule set and demo data
# without needing the source tree. Script mode (-P) does the generation at build time.
if(CMAKE_SCRIPT_MODE_FILE)
  file(READ "${INPUT}" content HEX)
  string(LENGTH "${content}" hex_length)
  math(EXPR byte_count "${hex_length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${content}")
  file(WRITE "${OUTPUT}" "#include <string_view>\n"
    "namespace backlint {\n"
    "static const char ${SYMBOL}_bytes[] = {${bytes} 0};\n"
    "extern const std::string_view ${SYMBOL}(${SYMBOL}_bytes, ${byte_count});\n"
    "}  // namespace backlint\n")
  return()
endif()

set(BACKLINT_EMBED_SCRIPT "${CMAKE_CURRENT_LIST_FILE}")
function(backlint_embed target input symbol)
  set(output "${CMAKE_CURRENT_BINARY_DIR}/${symbol}.cc")
  add_custom_command(OUTPUT "${output}"
    COMMAND ${CMAKE_COMMAND} -DINPUT=${input} -DOUTPUT=${output} -DSYMBOL=${symbol} -P "${BACKLINT_EMBED_SCRIPT}"
    DEPENDS "${input}" "${BACKLINT_EMBED_SCRIPT}"
    COMMENT "Embedding ${input}")
  target_sources(${target} PRIVATE "${output}")
endfunction()
