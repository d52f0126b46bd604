/* tramp.S placeholder */
	.section .note.GNU-stack,"",@progbits
