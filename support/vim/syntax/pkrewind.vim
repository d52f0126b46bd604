" Vim syntax file
" Language:	pkrewind policy (pkrewind.policy(5))
" Filenames:	*.policy, pkrewind/policy (ftdetect/pkrewind.vim)
"
" Part of pkrewind.  Kept true to the parser (src/policy_directives.c,
" src/policy_args.c, src/spell.c) and to pkrewind.policy(5); tests/cli/vim.sh
" asserts the syntax group at chosen places of a sample policy.
"
" A line is a directive and its values: the directive decides what the
" words after it are (nextgroup), so a function named "read" is a name,
" not a mode.  A word at the start of a line that is no directive is an
" error, as it is for the parser.  '#' starts a comment only at the start
" of a line or after a blank.

if exists("b:current_syntax")
  finish
endif
let s:cpo_save = &cpo
set cpo&vim

syn case match
syn iskeyword @,48-57,_,-

" Lowest priority first: a word at the start of a line that no directive
" below claims.
syn match pkrUnknown	/^\s*\zs[^#[:space:]]\S*/

syn match pkrComment	/\%(^\|\s\@<=\)#.*$/ contains=pkrTodo,@Spell
syn keyword pkrTodo	contained TODO FIXME XXX NOTE

" include FILE
syn match pkrInclude	/^\s*\zsinclude\ze\%(\s\|$\)/ nextgroup=pkrPath skipwhite
syn match pkrPath	/[^#[:space:]]\S*/ contained

" domain NAME
syn match pkrDirective	/^\s*\zsdomain\ze\%(\s\|$\)/ nextgroup=pkrDomainName skipwhite
syn match pkrDomainName	/[^#[:space:]]\S*/ contained

" library SPEC
syn match pkrDirective	/^\s*\zslibrary\ze\%(\s\|$\)/ nextgroup=pkrLibrary skipwhite
syn match pkrLibrary	/[^#[:space:]]\S*/ contained

" trusted-memory, on-fault, exceptions, if-no-keys: their modes.
syn match pkrDirective	/^\s*\zs\%(trusted-memory\|on-fault\|exceptions\|if-no-keys\)\ze\%(\s\|$\)/ nextgroup=pkrMode skipwhite
syn keyword pkrMode	contained read write none rewind reset abort propagate fault refuse rewind-only

" max-faults N; heap, stack, stack-args SIZE (VALUES); lend SIZE|never.
syn match pkrDirective	/^\s*\zsmax-faults\ze\%(\s\|$\)/ nextgroup=pkrNumber skipwhite
syn match pkrNumber	/\d\+\ze\%(\s\|$\)/ contained
syn match pkrDirective	/^\s*\zs\%(heap\|stack\|stack-args\)\ze\%(\s\|$\)/ nextgroup=pkrSize skipwhite
syn match pkrSize	/\d\+\%([KkMmGg]\%(i\=B\)\=\|B\)\=\ze\%(\s\|$\)/ contained
" lend SIZE|never.
syn match pkrDirective	/^\s*\zslend\ze\%(\s\|$\)/ nextgroup=pkrSize,pkrLendNever skipwhite
syn keyword pkrLendNever	contained never

" fault-return VALUE|void|null [errno E], as a directive and at the end
" of a function line.
syn match pkrDirective	/^\s*\zsfault-return\ze\%(\s\|$\)/ nextgroup=pkrValue,pkrValueNum skipwhite
syn match pkrReturnWord	/fault-return\ze\%(\s\|$\)/ contained nextgroup=pkrValue,pkrValueNum skipwhite
syn keyword pkrValue	contained void null nextgroup=pkrErrnoWord skipwhite
syn match pkrValueNum	/-\=\%(0[xX]\x\+\|\d\+\)\ze\%(\s\|$\)/ contained nextgroup=pkrErrnoWord skipwhite

" errno E: a name the C library knows (strerrorname_np, glibc 2.36), the
" three aliases pkrewind adds, a number, or keep.
syn match pkrErrnoWord	/errno\ze\%(\s\|$\)/ contained nextgroup=pkrErrno,pkrErrnoNum skipwhite
syn match pkrErrnoNum	/\d\+\ze\%(\s\|$\)/ contained
syn keyword pkrErrno	contained keep EWOULDBLOCK EDEADLOCK ENOTSUP
syn keyword pkrErrno	contained
      \ E2BIG EACCES EADDRINUSE EADDRNOTAVAIL EADV EAFNOSUPPORT EAGAIN
      \ EALREADY EBADE EBADF EBADFD EBADMSG EBADR EBADRQC EBADSLT EBFONT
      \ EBUSY ECANCELED ECHILD ECHRNG ECOMM ECONNABORTED ECONNREFUSED
      \ ECONNRESET EDEADLK EDESTADDRREQ EDOM EDOTDOT EDQUOT EEXIST EFAULT
      \ EFBIG EHOSTDOWN EHOSTUNREACH EHWPOISON EIDRM EILSEQ EINPROGRESS
      \ EINTR EINVAL EIO EISCONN EISDIR EISNAM EKEYEXPIRED EKEYREJECTED
      \ EKEYREVOKED EL2HLT EL2NSYNC EL3HLT EL3RST ELIBACC ELIBBAD
      \ ELIBEXEC ELIBMAX ELIBSCN ELNRNG ELOOP EMEDIUMTYPE EMFILE EMLINK
      \ EMSGSIZE EMULTIHOP ENAMETOOLONG ENAVAIL ENETDOWN ENETRESET
      \ ENETUNREACH ENFILE ENOANO ENOBUFS ENOCSI ENODATA ENODEV ENOENT
      \ ENOEXEC ENOKEY ENOLCK ENOLINK ENOMEDIUM ENOMEM ENOMSG ENONET
      \ ENOPKG ENOPROTOOPT ENOSPC ENOSR ENOSTR ENOSYS ENOTBLK ENOTCONN
      \ ENOTDIR ENOTEMPTY ENOTNAM ENOTRECOVERABLE ENOTSOCK ENOTTY
      \ ENOTUNIQ ENXIO EOPNOTSUPP EOVERFLOW EOWNERDEAD EPERM EPFNOSUPPORT
      \ EPIPE EPROTO EPROTONOSUPPORT EPROTOTYPE ERANGE EREMCHG EREMOTE
      \ EREMOTEIO ERESTART ERFKILL EROFS ESHUTDOWN ESOCKTNOSUPPORT ESPIPE
      \ ESRCH ESRMNT ESTALE ESTRPIPE ETIME ETIMEDOUT ETOOMANYREFS ETXTBSY
      \ EUCLEAN EUNATCH EUSERS EXDEV EXFULL

" function NAME [(ARG, ...)] [fault-return VALUE|void] [errno E]
syn match pkrDirective	/^\s*\zsfunction\ze\%(\s\|$\)/ nextgroup=pkrFunction skipwhite
syn match pkrFunction	/[^#([:space:]]\+/ contained nextgroup=pkrArgs,pkrReturnWord,pkrErrnoWord skipwhite
syn region pkrArgs	matchgroup=pkrParen start=/(/ end=/)/ contained oneline contains=pkrArgKind,pkrArgNone,pkrArgNum,pkrLength,pkrStructArg nextgroup=pkrReturnWord,pkrErrnoWord skipwhite

" ARGUMENTS: the kinds, in a list and in a field.
syn keyword pkrArgKind	contained in out inout ref string handle callback sret keep end u32 u64
syn match pkrArgNone	/\%(\%((\|,\)\s*\)\@<=-\ze\s*[,)]/ contained
syn match pkrArgNum	/\<\d\+\>/ contained
syn match pkrStructArg	/\<struct\>/ contained nextgroup=pkrStructRef skipwhite
syn match pkrStructRef	/[^,)[:space:]]\+/ contained
" [LEN]: TERM [x SIZE] [+ N|- N]; TERM a number, argN[.u32], *argN[.u32]
" or a field of the struct.
syn region pkrLength	matchgroup=pkrBracket start=/\[/ end=/\]/ contained oneline contains=pkrLenArg,pkrLenOp,pkrArgNum
syn match pkrLenArg	/\*\=arg\d\+\%(\.u32\)\=/ contained
syn match pkrLenOp	/\%(\s\@<=\)[x+-]\ze\s/ contained

" struct NAME size SIZE
syn match pkrDirective	/^\s*\zsstruct\ze\%(\s\|$\)/ nextgroup=pkrStructName skipwhite
syn match pkrStructName	/[^#[:space:]]\+/ contained nextgroup=pkrSizeWord skipwhite
syn match pkrSizeWord	/size\ze\%(\s\|$\)/ contained nextgroup=pkrSize skipwhite

" field NAME OFFSET KIND
syn match pkrDirective	/^\s*\zsfield\ze\%(\s\|$\)/ nextgroup=pkrFieldName skipwhite
syn match pkrFieldName	/[^#[:space:]]\+/ contained nextgroup=pkrFieldOffset skipwhite
syn match pkrFieldOffset	/\d\+\ze\%(\s\|$\)/ contained nextgroup=pkrFieldKind skipwhite
syn match pkrFieldKind	/[^#[:space:]][^#]*/ contained contains=pkrArgKind,pkrLength

hi def link pkrUnknown		Error
hi def link pkrComment		Comment
hi def link pkrTodo		Todo
hi def link pkrInclude		Include
hi def link pkrPath		String
hi def link pkrDirective	Statement
hi def link pkrLendNever	Constant
hi def link pkrDomainName	Identifier
hi def link pkrLibrary		String
hi def link pkrMode		Constant
hi def link pkrNumber		Number
hi def link pkrSize		Number
hi def link pkrReturnWord	Keyword
hi def link pkrValue		Constant
hi def link pkrValueNum		Number
hi def link pkrErrnoWord	Keyword
hi def link pkrErrno		Constant
hi def link pkrErrnoNum		Number
hi def link pkrFunction		Function
hi def link pkrParen		Delimiter
hi def link pkrArgKind		Type
hi def link pkrArgNone		Special
hi def link pkrArgNum		Number
hi def link pkrStructArg	Type
hi def link pkrStructRef	Type
hi def link pkrBracket		Delimiter
hi def link pkrLenArg		Identifier
hi def link pkrLenOp		Operator
hi def link pkrStructName	Type
hi def link pkrSizeWord		Keyword
hi def link pkrFieldName	Identifier
hi def link pkrFieldOffset	Number

let b:current_syntax = "pkrewind"

let &cpo = s:cpo_save
unlet s:cpo_save
