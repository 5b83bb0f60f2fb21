"""Operations: the stage commands, the build runner and watch, publishing, the review
server, XLIFF, the doctor, make assess. They call the stages; nothing below imports them."""
