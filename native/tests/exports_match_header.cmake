# exports_match_header.cmake - included by the release checks.
#
# exports_match_header(<exported names> <header>): stops with an error unless the
# names are exactly the asmk_* functions the header declares with ASMK_API.
function(exports_match_header exported header)
  file(STRINGS ${header} decls REGEX "ASMK_API [^(]+ (asmk_[a-z0-9_]+)\\(")
  set(declared "")
  foreach(decl ${decls})
    string(REGEX MATCH "(asmk_[a-z0-9_]+)\\(" m "${decl}")
    list(APPEND declared ${CMAKE_MATCH_1})
  endforeach()
  list(SORT declared)
  list(SORT exported)
  if(NOT exported STREQUAL declared)
    message(FATAL_ERROR "exports differ from the header\n exported: ${exported}\n declared: ${declared}")
  endif()
  list(LENGTH exported n)
  message(STATUS "exports: ${n} asmk_* functions, as declared in asmkernels.h")
endfunction()
