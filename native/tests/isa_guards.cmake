# isa_guards.cmake - abi.inc's ISA guards (isa.inc) refuse what a routine's features do not cover.
# Each case assembles a one-instruction routine with `ISA features` before its FUNC: the first
# group must assemble, every other must fail with the named message.
#   cmake -DNASM=<nasm> -DINCLUDES=<-I...;-I...> -DWORK=<dir> -P isa_guards.cmake

set(ok_cases
  "SSE2|movdqu xmm0, [rdi]"
  "SSE42|crc32 rax, qword [rdi]"
  "POPCNT|popcnt rax, rdi"
  "SSE2, PCLMULQDQ|pclmulqdq xmm0, xmm1, 0"
  "AVX2, OS_YMM|vpaddq ymm0, ymm1, ymm2"
  "AVX512F, AVX512VL, OS_ZMM|vpxorq ymm0, ymm1, ymm16"
  "AVX512F, AVX512_VPOPCNTDQ, OS_ZMM|vpopcntq zmm0, zmm1"
  "AVX512F, OS_ZMM|vpaddq zmm1{k1}{z}, zmm0, [rdi]"
  "PCLMULQDQ, VPCLMULQDQ, AVX512F, OS_ZMM|vpclmulqdq zmm0, zmm1, zmm2, 0x11")
set(bad_cases
  "SSE2|vpaddq xmm0, xmm1, xmm2|is VEX in a legacy-SSE routine"
  "SSE2|vzeroupper|is VEX in a legacy-SSE routine"
  "SSE2|movdqu ymm0, [rdi]|ymm0_needs_OS_YMM_or_OS_ZMM"
  "SSE2|popcnt rax, rdi|`popcnt' needs POPCNT"
  "SSE2|crc32 rax, qword [rdi]|`crc32' needs SSE42"
  "SSE2|pshufb xmm0, xmm1|`pshufb' needs SSE42"
  "SSE42|pclmulqdq xmm0, xmm1, 0|`pclmulqdq' needs PCLMULQDQ"
  "AVX2, OS_YMM|movdqu xmm0, [rdi]|is legacy SSE in a VEX routine"
  "AVX2, OS_YMM|pclmulqdq xmm0, xmm1, 0|is legacy SSE in a VEX routine"
  "OS_YMM|vpaddq ymm0, ymm1, ymm2|`vpaddq' needs AVX2"
  "AVX2, OS_YMM|vpaddq zmm0, zmm1, zmm2|zmm0_needs_OS_ZMM"
  "AVX2, OS_YMM|kmovw eax, k1|uses a mask register"
  "AVX2, OS_YMM|vpxor xmm16, xmm1, xmm2|xmm16_needs_OS_ZMM"
  "AVX512F, OS_ZMM|vextracti128 xmm0, ymm1, 1|`vextracti128' needs AVX2"
  "AVX512F, OS_ZMM|vpxorq ymm0, ymm1, ymm2|`vpxorq' needs AVX512VL"
  "AVX512F, OS_ZMM|vpopcntq zmm0, zmm1|`vpopcntq' needs AVX512_VPOPCNTDQ"
  "PCLMULQDQ, AVX512F, OS_ZMM|vpclmulqdq zmm0, zmm1, zmm2, 0|`vpclmulqdq' needs VPCLMULQDQ"
  "SSE9|nop|ISA: unknown feature SSE9")

file(MAKE_DIRECTORY "${WORK}")
set(failures 0)
set(i 0)
foreach(case IN LISTS ok_cases bad_cases)
  string(REPLACE "|" ";" parts "${case}")
  list(GET parts 0 isa)
  list(GET parts 1 insn)
  list(LENGTH parts n)
  set(src "${WORK}/case${i}.asm")
  file(WRITE "${src}" "%include \"abi.inc\"\nISA ${isa}\nFUNC isa_guard_case, 1, 1, 2, p\n    ${insn}\n    RET\nENDFUNC\n")
  execute_process(COMMAND ${NASM} -Werror -f elf64 ${INCLUDES} -o "${WORK}/case${i}.o" "${src}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(n EQUAL 2)
    if(NOT rc EQUAL 0)
      message(SEND_ERROR "ISA ${isa}: `${insn}' should assemble:\n${out}")
      math(EXPR failures "${failures} + 1")
    endif()
  else()
    list(GET parts 2 want)
    string(FIND "${out}" "${want}" at)
    if(rc EQUAL 0 OR at EQUAL -1)
      message(SEND_ERROR "ISA ${isa}: `${insn}' should fail with \"${want}\" (exit ${rc}):\n${out}")
      math(EXPR failures "${failures} + 1")
    endif()
  endif()
  math(EXPR i "${i} + 1")
endforeach()
message(STATUS "isa guards: ${i} cases, ${failures} wrong")
