/** A DNS host name such as `example.com`: labels of letters, digits and inner hyphens, a TLD. */
export const HOST_NAME = /^(?=.{1,253}$)((?!-)[a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$/i;
