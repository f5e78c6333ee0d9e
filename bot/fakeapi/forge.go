package fakeapi

// ForgeCallback enqueues a callback_query with arbitrary data on the bot's
// message messageID in the user's private chat, as a modified client or a
// button left over from an older version of the bot would send it. Unlike
// PressButton it does not check that the message has such a button: it is
// for testing that the bot refuses what it never offered. The query carries
// the message as the bot last left it (an inaccessible message when the bot
// has none with that id) and a fresh id the bot must answer.
func (s *Server) ForgeCallback(from User, messageID int, data string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callbackLocked(from, s.privateChatLocked(from), messageID, data)
}
