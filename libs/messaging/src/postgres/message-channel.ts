/** The LISTEN/NOTIFY channel on which a publish names the topics it wrote (a wake-up hint only). */
export const MESSAGE_CHANNEL = 'wissel_messages';
